/// Commands of the ``Tenant`` aggregate.
public enum TenantCommand: Sendable, Equatable {
    /// Creates a tenant. Code uniqueness is enforced outside the domain.
    case create(TenantID, name: String, code: String)
    /// Renames a tenant.
    case rename(TenantID, name: String)
    /// Deactivates a tenant.
    case deactivate(TenantID)

    /// The tenant this command targets.
    public var tenantID: TenantID {
        switch self {
        case .create(let id, _, _), .rename(let id, _), .deactivate(let id): id
        }
    }
}
