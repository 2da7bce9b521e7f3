/// Who is sending a command.
public struct Principal: Sendable, Hashable {
    /// The kind of a principal.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A signed-in user of one tenant.
        case user
        /// The system itself (push dispatcher, payment webhook, seeding), acting in the tenant it names.
        case system
        /// Nobody signed in.
        case anonymous
    }

    /// The kind of this principal.
    public let kind: Kind
    /// The acting user, for `.user` principals (and optionally for `.system` acting on behalf of a user).
    public let userID: UserID?
    /// The tenant this principal acts in; `nil` for anonymous principals.
    public let tenantID: TenantID?
    /// The roles of the acting user in `tenantID`.
    public let roles: Set<Role>

    /// Creates a principal from its parts.
    public init(kind: Kind, userID: UserID?, tenantID: TenantID?, roles: Set<Role>) {
        self.kind = kind
        self.userID = userID
        self.tenantID = tenantID
        self.roles = roles
    }

    /// A signed-in user of `tenantID` with `roles` (defaults to `[.member]`).
    public static func user(_ userID: UserID, tenantID: TenantID, roles: Set<Role> = [.member]) -> Principal {
        Principal(kind: .user, userID: userID, tenantID: tenantID, roles: roles)
    }

    /// The system acting in `tenantID`, optionally on behalf of `userID`.
    ///
    /// A system principal without a tenant may only create tenants.
    public static func system(tenantID: TenantID?, onBehalfOf userID: UserID? = nil) -> Principal {
        Principal(kind: .system, userID: userID, tenantID: tenantID, roles: [])
    }

    /// Nobody signed in.
    public static let anonymous = Principal(kind: .anonymous, userID: nil, tenantID: nil, roles: [])

    /// Whether this is the system principal acting in `tenant`.
    public func isSystem(in tenant: TenantID) -> Bool {
        kind == .system && tenantID == tenant
    }

    /// Whether this is a signed-in user of `tenant`.
    public func isUser(in tenant: TenantID) -> Bool {
        kind == .user && tenantID == tenant && userID != nil
    }

    /// Whether this is an administrator of `tenant`.
    public func isAdmin(in tenant: TenantID) -> Bool {
        isUser(in: tenant) && roles.contains(.admin)
    }

    /// Whether this is the user `user` signed in to `tenant`.
    public func isUser(_ user: UserID, in tenant: TenantID) -> Bool {
        isUser(in: tenant) && userID == user
    }
}
