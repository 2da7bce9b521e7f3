extension User {
    /// `register`: anyone (anonymous included) registers into an active tenant; inside a tenant
    /// only an administrator (or the system) registers others. A user is registered once.
    static func register(
        _ id: UserID, tenantID: TenantID, username: String, email: String, phone: String?, passwordHash hash: String,
        tenantIsActive: Bool, state: UserState?, context: CommandContext
    ) throws(DomainError) -> [UserEvent] {
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
        return [
            .registered(
                .init(
                    tenantID: tenantID, userID: id, username: username, email: email, phone: phone,
                    passwordHash: hash, roles: [.member], at: context.timestamp))
        ]
    }
}
