/// A row of `devices`: one per device (the device registry). Unregistered devices stay with
/// `status = 'unregistered'` (the tombstone for sync); a device whose token a push provider
/// rejected is `invalid`, and one whose token another device registered since is `disabled`,
/// until it registers again or its token is updated.
struct DeviceRow: ReadRow, Equatable {
    /// The device (a UUID).
    var deviceID: String
    /// The tenant.
    var tenantID: String
    /// The owning user.
    var userID: String
    /// `ios`, `android`, `web` or `desktop`.
    var platform: String
    /// `apns`, `fcm`, `webpush` or `webhook`.
    var provider: String
    /// `sandbox` or `production`.
    var environment: String
    /// The current push token.
    var pushToken: String
    /// App (bundle) id.
    var appID: String?
    /// App version.
    var appVersion: String?
    /// Device locale.
    var locale: String?
    /// `active`, `invalid`, `disabled` or `unregistered`.
    var status: String
    /// When it was (last) registered.
    var registeredAt: String
    /// When the device stopped receiving pushes (token rejected or taken over), while invalid or disabled.
    var invalidatedAt: String?
    /// Why: the provider's reason, or which device took the token over.
    var invalidReason: String?
    /// When it was unregistered, while it is unregistered.
    var unregisteredAt: String?
    /// When the row last changed.
    var updatedAt: String
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id", tenantID = "tenant_id", userID = "user_id", platform, provider, environment
        case pushToken = "push_token", appID = "app_id", appVersion = "app_version", locale, status
        case registeredAt = "registered_at", invalidatedAt = "invalidated_at", invalidReason = "invalid_reason"
        case unregisteredAt = "unregistered_at", updatedAt = "updated_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "devices", key: ["device_id"],
        columns: [
            "device_id", "tenant_id", "user_id", "platform", "provider", "environment", "push_token", "app_id",
            "app_version", "locale", "status", "registered_at", "invalidated_at", "invalid_reason",
            "unregistered_at", "updated_at", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE devices (
            device_id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            user_id uuid NOT NULL,
            platform text NOT NULL CHECK (platform IN ('ios', 'android', 'web', 'desktop')),
            provider text NOT NULL CHECK (provider IN ('apns', 'fcm', 'webpush', 'webhook')),
            environment text NOT NULL CHECK (environment IN ('sandbox', 'production')),
            push_token text NOT NULL,
            app_id text,
            app_version text,
            locale text,
            status text NOT NULL CHECK (status IN ('active', 'invalid', 'disabled', 'unregistered')),
            registered_at timestamptz NOT NULL,
            invalidated_at timestamptz,
            invalid_reason text,
            unregistered_at timestamptz,
            updated_at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            CHECK ((invalidated_at IS NULL) = (invalid_reason IS NULL)),
            CHECK ((status = 'unregistered') = (unregistered_at IS NOT NULL))
        )
        """,
        "CREATE INDEX devices_user_position_idx ON devices (tenant_id, user_id, last_position)",
        "CREATE INDEX devices_tenant_position_idx ON devices (tenant_id, last_position)",
        "CREATE INDEX devices_push_token_idx ON devices USING hash (push_token)",
        "CREATE INDEX devices_last_position_idx ON devices (last_position)",
    ]

    /// The key of device `id`.
    static func key(_ id: String) -> ReadKey { ReadKey(["device_id": id]) }

    var key: ReadKey { Self.key(deviceID) }
}
