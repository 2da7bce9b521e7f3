/// A row of `tenants`: one per tenant. Deactivated tenants stay (`active = false`).
struct TenantRow: ReadRow, Equatable {
    /// The tenant (a UUID).
    var tenantID: String
    /// Display name.
    var name: String
    /// Unique short code.
    var code: String
    /// Whether the tenant is active.
    var active: Bool
    /// When it was created.
    var createdAt: String
    /// When it was last changed.
    var updatedAt: String
    /// When it was deactivated, if it was.
    var deactivatedAt: String?
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", name, code, active, createdAt = "created_at", updatedAt = "updated_at"
        case deactivatedAt = "deactivated_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "tenants", key: ["tenant_id"],
        columns: ["tenant_id", "name", "code", "active", "created_at", "updated_at", "deactivated_at", "last_position"])

    static let schema = [
        """
        CREATE TABLE tenants (
            tenant_id uuid PRIMARY KEY,
            name text NOT NULL,
            code text NOT NULL,
            active boolean NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            deactivated_at timestamptz,
            last_position bigint NOT NULL,
            CHECK (active = (deactivated_at IS NULL))
        )
        """,
        "CREATE INDEX tenants_code_idx ON tenants (code)",
        "CREATE INDEX tenants_last_position_idx ON tenants (last_position)",
    ]

    /// The key of tenant `id`.
    static func key(_ id: String) -> ReadKey { ReadKey(["tenant_id": id]) }

    var key: ReadKey { Self.key(tenantID) }
}
