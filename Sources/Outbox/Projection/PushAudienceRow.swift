import Projections

/// A row of `push_audience`: a user who may receive pushes, with their preferences.
struct PushAudienceRow: ReadRow, Equatable {
    var userID: String
    var tenantID: String
    /// Neither locked, deactivated nor deleted.
    var active: Bool
    /// The profile's IANA time zone.
    var timeZone: String?
    /// The user's ``PushSettings`` as JSON, or `nil` for the defaults.
    var settings: String?
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", tenantID = "tenant_id", active, timeZone = "time_zone", settings, lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "push_audience", key: ["user_id"],
        columns: ["user_id", "tenant_id", "active", "time_zone", "settings", "last_position"])

    static let schema = [
        """
        CREATE TABLE push_audience (
            user_id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            active boolean NOT NULL,
            time_zone text,
            settings text,
            last_position bigint NOT NULL
        )
        """,
        "CREATE INDEX push_audience_tenant_idx ON push_audience (tenant_id) WHERE active",
    ]

    static func key(_ id: String) -> ReadKey { ReadKey(["user_id": id]) }

    var key: ReadKey { Self.key(userID) }
}
