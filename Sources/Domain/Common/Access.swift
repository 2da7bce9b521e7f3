/// Authorization checks shared by the aggregates. Every failure is a `forbidden` refusal.
///
/// Rules: nobody acts across tenants; the system principal may do anything within the tenant
/// it names; administrators manage their tenant; members act on what is their own.
enum Access {
    /// Refuses anonymous principals and principals of another tenant.
    static func inTenant(_ context: CommandContext, _ tenant: TenantID, to action: String) throws(DomainError) {
        let principal = context.principal
        if principal.isSystem(in: tenant) || principal.isUser(in: tenant) { return }
        throw refusal(principal, tenant, action)
    }

    /// Only the system or an administrator of `tenant`.
    static func admin(_ context: CommandContext, _ tenant: TenantID, to action: String) throws(DomainError) {
        let principal = context.principal
        if principal.isSystem(in: tenant) || principal.isAdmin(in: tenant) { return }
        if principal.isUser(in: tenant) {
            throw .forbidden("only an administrator may \(action)")
        }
        throw refusal(principal, tenant, action)
    }

    /// Only the system, the user `owner` themselves, or (when `orAdmin`) an administrator of `tenant`.
    static func owner(
        _ context: CommandContext, _ tenant: TenantID, _ owner: UserID, orAdmin: Bool = false, to action: String
    ) throws(DomainError) {
        let principal = context.principal
        if principal.isSystem(in: tenant) || principal.isUser(owner, in: tenant) { return }
        if orAdmin && principal.isAdmin(in: tenant) { return }
        if principal.isUser(in: tenant) {
            throw .forbidden("you may only \(action) for yourself")
        }
        throw refusal(principal, tenant, action)
    }

    /// Only the system principal of `tenant`.
    static func system(_ context: CommandContext, _ tenant: TenantID, to action: String) throws(DomainError) {
        let principal = context.principal
        if principal.isSystem(in: tenant) { return }
        if principal.isUser(in: tenant) {
            throw .forbidden("only the system may \(action)")
        }
        throw refusal(principal, tenant, action)
    }

    /// The acting user's id, or a refusal when the principal names no user.
    static func actingUser(_ context: CommandContext, to action: String) throws(DomainError) -> UserID {
        guard let user = context.principal.userID else {
            throw .forbidden("a signed-in user is required to \(action)")
        }
        return user
    }

    private static func refusal(_ principal: Principal, _ tenant: TenantID, _ action: String) -> DomainError {
        switch principal.kind {
        case .anonymous:
            return .forbidden("sign in to \(action)")
        case .user, .system:
            if principal.tenantID != tenant {
                return .forbidden("you cannot \(action) in another tenant")
            }
            return .forbidden("you may not \(action)")
        }
    }
}
