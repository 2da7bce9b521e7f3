import Foundation

/// A user of one tenant: credentials (as a bcrypt hash), profile, roles and account status.
///
/// Anyone, including anonymous principals, may register into an active tenant; members then
/// change only their own profile and password; administrators manage accounts and roles.
public enum User: Aggregate {
    /// Stream ids are user ids.
    public typealias ID = UserID
    /// `nil` until `UserRegistered`.
    public typealias State = UserState?

    /// `"user"`.
    public static let category = "user"
    /// No user yet.
    public static let initialState: UserState? = nil

    /// Characters allowed in a username.
    static let usernameCharacters = Validate.lowercaseLetters + Validate.digits + "_.-"

    /// Decides a user command.
    public static func decide(
        _ command: UserCommand, state: UserState?, context: CommandContext
    ) throws(DomainError) -> [UserEvent] {
        let now = context.timestamp
        let actor = context.principal.userID
        if case .register(let id, let tenantID, let username, let email, let phone, let hash, let tenantIsActive) = command {
            let principal = context.principal
            let allowed = principal.kind == .anonymous || principal.isSystem(in: tenantID) || principal.isAdmin(in: tenantID)
            if !allowed {
                throw principal.tenantID == tenantID
                    ? .forbidden("only an administrator may register other users")
                    : .forbidden("you cannot register a user in another tenant")
            }
            if state != nil { throw .alreadyExists("user \(id) already exists") }
            guard tenantIsActive else { throw .conflict("the tenant is not active") }
            let username = try Validate.slug(username, "username", allowed: usernameCharacters, 3...32)
            let email = try Validate.email(email)
            let phone = try phone.flatMap { value throws(DomainError) in
                value.isEmpty ? nil : try Validate.phone(value)
            }
            try Validate.bcryptHash(hash)
            return [.registered(.init(
                tenantID: tenantID, userID: id, username: username, email: email, phone: phone,
                passwordHash: hash, roles: [.member], at: now))]
        }

        guard let user = state, user.id == command.userID else {
            throw .notFound("user \(command.userID) does not exist")
        }
        let tenant = user.tenantID
        let id = user.id
        switch command {
        case .register:
            throw .alreadyExists("user \(id) already exists")

        case .updateProfile(_, let update):
            try Access.owner(context, tenant, id, orAdmin: true, to: "change a profile")
            try usable(user)
            return try profileEvents(user, update, now: now).map { .profileUpdated($0) }

        case .changePassword(_, let hash):
            try Access.owner(context, tenant, id, orAdmin: true, to: "change a password")
            try usable(user)
            try Validate.bcryptHash(hash)
            if hash == user.passwordHash { return [] }
            return [.passwordChanged(.init(tenantID: tenant, userID: id, passwordHash: hash, actorID: actor, at: now))]

        case .grantRole(_, let role):
            try Access.admin(context, tenant, to: "grant roles")
            try notDeleted(user)
            if user.roles.contains(role) { return [] }
            return [.roleGranted(.init(tenantID: tenant, userID: id, role: role, actorID: actor, at: now))]

        case .revokeRole(_, let role):
            try Access.admin(context, tenant, to: "revoke roles")
            try notDeleted(user)
            if role == .member { throw .invalid("every user keeps the member role") }
            if !user.roles.contains(role) { return [] }
            return [.roleRevoked(.init(tenantID: tenant, userID: id, role: role, actorID: actor, at: now))]

        case .lock(_, let reason):
            try Access.admin(context, tenant, to: "lock users")
            try notDeleted(user)
            let reason = try Validate.reason(reason, required: false, action: "lock a user")
            switch user.status {
            case .locked: return []
            case .deactivated: throw .conflict("cannot lock a user that is deactivated")
            case .active:
                return [.locked(.init(tenantID: tenant, userID: id, actorID: actor, reason: reason, at: now))]
            }

        case .unlock:
            try Access.admin(context, tenant, to: "unlock users")
            try notDeleted(user)
            switch user.status {
            case .active: return []
            case .deactivated: throw .conflict("cannot unlock a user that is deactivated")
            case .locked:
                return [.unlocked(.init(tenantID: tenant, userID: id, actorID: actor, reason: nil, at: now))]
            }

        case .deactivate(_, let reason):
            try Access.admin(context, tenant, to: "deactivate users")
            try notDeleted(user)
            let reason = try Validate.reason(reason, required: false, action: "deactivate a user")
            if user.status == .deactivated { return [] }
            return [.deactivated(.init(tenantID: tenant, userID: id, actorID: actor, reason: reason, at: now))]

        case .delete:
            try Access.admin(context, tenant, to: "delete users")
            if user.isDeleted { return [] }
            return [.deleted(.init(tenantID: tenant, userID: id, actorID: actor, reason: nil, at: now))]
        }
    }

    /// Applies a user event.
    public static func evolve(_ state: UserState?, _ event: UserEvent) -> UserState? {
        if case .registered(let registered) = event {
            return UserState(
                id: registered.userID, tenantID: registered.tenantID, username: registered.username,
                email: registered.email, phone: registered.phone, passwordHash: registered.passwordHash,
                roles: Set(registered.roles), registeredAt: registered.at)
        }
        guard var user = state else { return state }
        switch event {
        case .registered:
            break
        case .profileUpdated(let update):
            func apply(_ value: String?, _ field: inout String?) {
                if let value { field = value.isEmpty ? nil : value }
            }
            apply(update.nickname, &user.nickname)
            apply(update.avatarURL, &user.avatarURL)
            apply(update.phone, &user.phone)
            apply(update.locale, &user.locale)
            apply(update.timeZone, &user.timeZone)
            if let email = update.email { user.email = email }
        case .passwordChanged(let changed):
            user.passwordHash = changed.passwordHash
        case .roleGranted(let changed):
            user.roles.insert(changed.role)
        case .roleRevoked(let changed):
            user.roles.remove(changed.role)
        case .locked:
            user.status = .locked
        case .unlocked:
            user.status = .active
        case .deactivated:
            user.status = .deactivated
        case .deleted:
            user.isDeleted = true
        }
        return user
    }

    private static func notDeleted(_ user: UserState) throws(DomainError) {
        if user.isDeleted { throw .deleted("user \(user.username) is deleted") }
    }

    private static func usable(_ user: UserState) throws(DomainError) {
        try notDeleted(user)
        if user.status == .deactivated { throw .conflict("user \(user.username) is deactivated") }
    }

    /// The `UserProfileUpdated` payload holding only the fields that change, or none.
    private static func profileEvents(
        _ user: UserState, _ update: ProfileUpdate, now: Date
    ) throws(DomainError) -> [UserEvent.ProfileUpdated] {
        if update.isEmpty { throw .invalid("the profile update changes no field") }
        var event = UserEvent.ProfileUpdated(tenantID: user.tenantID, userID: user.id, at: now)
        func change(
            _ value: String?, _ current: String?, _ check: (String) throws(DomainError) -> String
        ) throws(DomainError) -> String? {
            guard let value else { return nil }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return current == nil ? nil : "" }
            let checked = try check(trimmed)
            return checked == current ? nil : checked
        }
        event.nickname = try change(update.nickname, user.nickname) { value throws(DomainError) in
            try Validate.text(value, "nickname", 1...50)
        }
        event.avatarURL = try change(update.avatarURL, user.avatarURL) { value throws(DomainError) in
            try Validate.webURL(value, "avatarURL")
        }
        event.phone = try change(update.phone, user.phone, Validate.phone)
        event.locale = try change(update.locale, user.locale, Validate.locale)
        event.timeZone = try change(update.timeZone, user.timeZone, Validate.timeZone)
        if let email = update.email {
            let checked = try Validate.email(email)
            if checked != user.email { event.email = checked }
        }
        let changed = [event.nickname, event.avatarURL, event.email, event.phone, event.locale, event.timeZone]
        return changed.contains { $0 != nil } ? [event] : []
    }
}

extension UserEvent.ProfileUpdated {
    /// An update that changes nothing yet.
    init(tenantID: TenantID, userID: UserID, at: Date) {
        self.init(
            tenantID: tenantID, userID: userID, nickname: nil, avatarURL: nil, email: nil,
            phone: nil, locale: nil, timeZone: nil, at: at)
    }
}
