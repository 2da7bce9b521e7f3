import Projections

/// A row of `push_targets`: a device as the outbox sees it when it fans a message out.
/// The outbox keeps its own copy (instead of reading `devices`) so that fan-out sees exactly the
/// devices registered before the message in log order, whatever the other projections' lag.
struct PushTargetRow: ReadRow, Equatable {
    var deviceID: String
    var tenantID: String
    var userID: String
    var provider: String
    var environment: String
    var token: String
    var appID: String?
    /// Registered, and its token neither rejected nor taken over by another device.
    var active: Bool
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id", tenantID = "tenant_id", userID = "user_id", provider, environment, token
        case appID = "app_id", active, lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "push_targets", key: ["device_id"],
        columns: ["device_id", "tenant_id", "user_id", "provider", "environment", "token", "app_id", "active", "last_position"])

    static let schema = [
        """
        CREATE TABLE push_targets (
            device_id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            user_id uuid NOT NULL,
            provider text NOT NULL,
            environment text NOT NULL,
            token text NOT NULL,
            app_id text,
            active boolean NOT NULL,
            last_position bigint NOT NULL
        )
        """,
        "CREATE INDEX push_targets_user_idx ON push_targets (user_id) WHERE active",
        "CREATE INDEX push_targets_token_idx ON push_targets USING hash (token)",
    ]

    static func key(_ id: String) -> ReadKey { ReadKey(["device_id": id]) }

    var key: ReadKey { Self.key(deviceID) }
}
