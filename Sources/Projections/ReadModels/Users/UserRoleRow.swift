/// A row of `user_roles`: one per user and role ever held. A revoked role keeps its row with
/// `active = false` and `revoked_at` set; granting it again reactivates the row.
struct UserRoleRow: ReadRow, Equatable {
    /// The user.
    var userID: String
    /// The role's wire name (`member`, `admin`).
    var role: String
    /// The tenant.
    var tenantID: String
    /// Whether the user holds the role now.
    var active: Bool
    /// When the role was (last) granted.
    var grantedAt: String
    /// Who granted it; absent at registration or when the system did.
    var grantedBy: String?
    /// When it was revoked, while it is revoked.
    var revokedAt: String?
    /// Who revoked it.
    var revokedBy: String?
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", role, tenantID = "tenant_id", active, grantedAt = "granted_at"
        case grantedBy = "granted_by", revokedAt = "revoked_at", revokedBy = "revoked_by", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "user_roles", key: ["user_id", "role"],
        columns: ["user_id", "role", "tenant_id", "active", "granted_at", "granted_by", "revoked_at", "revoked_by", "last_position"])

    static let schema = [
        """
        CREATE TABLE user_roles (
            user_id uuid NOT NULL,
            role text NOT NULL CHECK (role IN ('member', 'admin')),
            tenant_id uuid NOT NULL,
            active boolean NOT NULL,
            granted_at timestamptz NOT NULL,
            granted_by uuid,
            revoked_at timestamptz,
            revoked_by uuid,
            last_position bigint NOT NULL,
            PRIMARY KEY (user_id, role),
            CHECK (active = (revoked_at IS NULL))
        )
        """,
        "CREATE INDEX user_roles_tenant_position_idx ON user_roles (tenant_id, last_position)",
        "CREATE INDEX user_roles_tenant_role_idx ON user_roles (tenant_id, role) WHERE active",
        "CREATE INDEX user_roles_last_position_idx ON user_roles (last_position)",
    ]

    /// The key of `role` of user `id`.
    static func key(_ id: String, _ role: String) -> ReadKey { ReadKey(["user_id": id, "role": role]) }

    var key: ReadKey { Self.key(userID, role) }
}
