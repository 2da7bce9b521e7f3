/// A row of `users`: one per user, without any credential. Deleted users stay with `deleted = true`.
struct UserRow: ReadRow, Equatable {
    /// The user (a UUID).
    var userID: String
    /// The tenant.
    var tenantID: String
    /// Lowercase username.
    var username: String
    /// E-mail address.
    var email: String
    /// Phone number.
    var phone: String?
    /// Nickname.
    var nickname: String?
    /// Avatar URL.
    var avatarURL: String?
    /// Preferred locale.
    var locale: String?
    /// Preferred IANA time zone.
    var timeZone: String?
    /// `active`, `locked` or `deactivated`.
    var status: String
    /// The reason given for the last lock or deactivation.
    var statusReason: String?
    /// Whether the user was soft-deleted.
    var deleted: Bool
    /// When the user registered.
    var registeredAt: String
    /// When the password last changed (the hash itself is never projected).
    var passwordChangedAt: String?
    /// When the user was deleted.
    var deletedAt: String?
    /// When the row last changed.
    var updatedAt: String
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", tenantID = "tenant_id", username, email, phone, nickname
        case avatarURL = "avatar_url", locale, timeZone = "time_zone", status, statusReason = "status_reason"
        case deleted, registeredAt = "registered_at", passwordChangedAt = "password_changed_at"
        case deletedAt = "deleted_at", updatedAt = "updated_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "users", key: ["user_id"],
        columns: [
            "user_id", "tenant_id", "username", "email", "phone", "nickname", "avatar_url", "locale", "time_zone",
            "status", "status_reason", "deleted", "registered_at", "password_changed_at", "deleted_at",
            "updated_at", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE users (
            user_id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            username text NOT NULL,
            email text NOT NULL,
            phone text,
            nickname text,
            avatar_url text,
            locale text,
            time_zone text,
            status text NOT NULL CHECK (status IN ('active', 'locked', 'deactivated')),
            status_reason text,
            deleted boolean NOT NULL,
            registered_at timestamptz NOT NULL,
            password_changed_at timestamptz,
            deleted_at timestamptz,
            updated_at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            CHECK (deleted = (deleted_at IS NOT NULL))
        )
        """,
        "CREATE INDEX users_tenant_position_idx ON users (tenant_id, last_position)",
        "CREATE INDEX users_tenant_username_idx ON users (tenant_id, username)",
        "CREATE INDEX users_last_position_idx ON users (last_position)",
    ]

    /// The key of user `id`.
    static func key(_ id: String) -> ReadKey { ReadKey(["user_id": id]) }

    var key: ReadKey { Self.key(userID) }
}
