/// A row of `notifications`: one per sent notification. Archived notifications stay with
/// `archived = true`.
struct NotificationRow: ReadRow, Equatable {
    /// The notification (a UUID).
    var notificationID: String
    /// The tenant.
    var tenantID: String
    /// The sending user; absent when the system sent it.
    var senderID: String?
    /// Machine-readable kind, e.g. `order.shipped`.
    var type: String
    /// Title.
    var title: String
    /// Content.
    var content: String
    /// Every receiver, sorted.
    var receiverIDs: [String]
    /// Whether it is archived.
    var archived: Bool
    /// When it was archived.
    var archivedAt: String?
    /// Who archived it.
    var archivedBy: String?
    /// When it was sent.
    var sentAt: String
    /// When the row last changed.
    var updatedAt: String
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case notificationID = "notification_id", tenantID = "tenant_id", senderID = "sender_id", type, title, content
        case receiverIDs = "receiver_ids", archived, archivedAt = "archived_at"
        case archivedBy = "archived_by", sentAt = "sent_at", updatedAt = "updated_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "notifications", key: ["notification_id"],
        columns: [
            "notification_id", "tenant_id", "sender_id", "type", "title", "content", "receiver_ids",
            "archived", "archived_at", "archived_by", "sent_at", "updated_at", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE notifications (
            notification_id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            sender_id uuid,
            type text NOT NULL,
            title text NOT NULL,
            content text NOT NULL,
            receiver_ids uuid[] NOT NULL CHECK (cardinality(receiver_ids) > 0),
            archived boolean NOT NULL,
            archived_at timestamptz,
            archived_by uuid,
            sent_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            CHECK (archived = (archived_at IS NOT NULL))
        )
        """,
        "CREATE INDEX notifications_tenant_position_idx ON notifications (tenant_id, last_position)",
        "CREATE INDEX notifications_sender_idx ON notifications (tenant_id, sender_id)",
        "CREATE INDEX notifications_last_position_idx ON notifications (last_position)",
    ]

    /// The key of notification `id`.
    static func key(_ id: String) -> ReadKey { ReadKey(["notification_id": id]) }

    var key: ReadKey { Self.key(notificationID) }
}
