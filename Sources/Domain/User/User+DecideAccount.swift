extension User {
    /// `grantRole`: administrators only; a role the user holds records nothing.
    static func grantRole(_ role: Role, _ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.admin(context, user.tenantID, to: "grant roles")
        try notDeleted(user)
        if user.roles.contains(role) { return [] }
        return [.roleGranted(.init(tenantID: user.tenantID, userID: user.id, role: role, actorID: context.principal.userID, at: context.timestamp))]
    }

    /// `revokeRole`: administrators only; every user keeps `member`.
    static func revokeRole(_ role: Role, _ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.admin(context, user.tenantID, to: "revoke roles")
        try notDeleted(user)
        if role == .member { throw .invalid("every user keeps the member role") }
        if !user.roles.contains(role) { return [] }
        return [.roleRevoked(.init(tenantID: user.tenantID, userID: user.id, role: role, actorID: context.principal.userID, at: context.timestamp))]
    }

    /// `lock`: administrators only; an active account locks, a deactivated one cannot.
    static func lock(reason: String?, _ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.admin(context, user.tenantID, to: "lock users")
        try notDeleted(user)
        let reason = try Validate.reason(reason, required: false, action: "lock a user")
        switch user.status {
        case .locked: return []
        case .deactivated: throw .conflict("cannot lock a user that is deactivated")
        case .active:
            return [.locked(.init(tenantID: user.tenantID, userID: user.id, actorID: context.principal.userID, reason: reason, at: context.timestamp))]
        }
    }

    /// `unlock`: administrators only; a locked account becomes active, a deactivated one cannot.
    static func unlock(_ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.admin(context, user.tenantID, to: "unlock users")
        try notDeleted(user)
        switch user.status {
        case .active: return []
        case .deactivated: throw .conflict("cannot unlock a user that is deactivated")
        case .locked:
            return [.unlocked(.init(tenantID: user.tenantID, userID: user.id, actorID: context.principal.userID, reason: nil, at: context.timestamp))]
        }
    }

    /// `deactivate`: administrators only.
    static func deactivate(reason: String?, _ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.admin(context, user.tenantID, to: "deactivate users")
        try notDeleted(user)
        let reason = try Validate.reason(reason, required: false, action: "deactivate a user")
        if user.status == .deactivated { return [] }
        return [.deactivated(.init(tenantID: user.tenantID, userID: user.id, actorID: context.principal.userID, reason: reason, at: context.timestamp))]
    }

    /// `delete`: administrators only; deleting twice records nothing.
    static func delete(_ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.admin(context, user.tenantID, to: "delete users")
        if user.isDeleted { return [] }
        return [.deleted(.init(tenantID: user.tenantID, userID: user.id, actorID: context.principal.userID, reason: nil, at: context.timestamp))]
    }

    /// `erase`: administrators only, also of a deleted user; erasing twice records nothing.
    static func erase(_ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.admin(context, user.tenantID, to: "erase users' personal data")
        if user.isErased { return [] }
        return [.erased(.init(tenantID: user.tenantID, userID: user.id, actorID: context.principal.userID, at: context.timestamp))]
    }

    /// Refuses a change to a deleted user.
    static func notDeleted(_ user: UserState) throws(DomainError) {
        if user.isDeleted { throw .deleted("user \(user.username) is deleted") }
    }

    /// Refuses a change to a deleted or deactivated user.
    static func usable(_ user: UserState) throws(DomainError) {
        try notDeleted(user)
        if user.status == .deactivated { throw .conflict("user \(user.username) is deactivated") }
    }
}
