import Projections

/// A row of `push_sources`: what a later event needs to word its push: an announcement's title
/// and body (publishing carries neither) or an order's customer.
struct PushSourceRow: ReadRow, Equatable {
    /// `announcement:<id>` or `order:<id>`.
    var sourceKey: String
    var tenantID: String
    /// The order's customer.
    var userID: String?
    var title: String
    var body: String
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case sourceKey = "source_key", tenantID = "tenant_id", userID = "user_id", title, body, lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "push_sources", key: ["source_key"],
        columns: ["source_key", "tenant_id", "user_id", "title", "body", "last_position"])

    static let schema = [
        """
        CREATE TABLE push_sources (
            source_key text PRIMARY KEY,
            tenant_id uuid NOT NULL,
            user_id uuid,
            title text NOT NULL,
            body text NOT NULL,
            last_position bigint NOT NULL
        )
        """
    ]

    static func key(_ key: String) -> ReadKey { ReadKey(["source_key": key]) }

    var key: ReadKey { Self.key(sourceKey) }
}
