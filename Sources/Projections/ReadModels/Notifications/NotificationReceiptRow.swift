/// A row of `notification_receipts`: one per notification and receiver, the receiver's inbox entry.
///
/// The domain archives a notification for everyone at once, so `archived` mirrors the
/// notification's state; `read_at` is the receiver's own.
struct NotificationReceiptRow: ReadRow, Equatable {
    /// The notification.
    var notificationID: String
    /// The receiving user.
    var receiverID: String
    /// The tenant.
    var tenantID: String
    /// When the notification was sent.
    var sentAt: String
    /// When this receiver read it, if they did.
    var readAt: String?
    /// Whether the notification is archived.
    var archived: Bool
    /// When it was archived.
    var archivedAt: String?
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case notificationID = "notification_id", receiverID = "receiver_id", tenantID = "tenant_id"
        case sentAt = "sent_at", readAt = "read_at", archived, archivedAt = "archived_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "notification_receipts", key: ["notification_id", "receiver_id"],
        columns: ["notification_id", "receiver_id", "tenant_id", "sent_at", "read_at", "archived", "archived_at", "last_position"])

    static let schema = [
        """
        CREATE TABLE notification_receipts (
            notification_id uuid NOT NULL,
            receiver_id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            sent_at timestamptz NOT NULL,
            read_at timestamptz,
            archived boolean NOT NULL,
            archived_at timestamptz,
            last_position bigint NOT NULL,
            PRIMARY KEY (notification_id, receiver_id),
            CHECK (archived = (archived_at IS NOT NULL))
        )
        """,
        "CREATE INDEX notification_receipts_receiver_position_idx ON notification_receipts (tenant_id, receiver_id, last_position)",
        "CREATE INDEX notification_receipts_unread_idx ON notification_receipts (tenant_id, receiver_id) WHERE read_at IS NULL AND NOT archived",
        "CREATE INDEX notification_receipts_tenant_position_idx ON notification_receipts (tenant_id, last_position)",
        "CREATE INDEX notification_receipts_last_position_idx ON notification_receipts (last_position)",
    ]

    /// The key of `receiver`'s receipt of notification `notification`.
    static func key(_ notification: String, _ receiver: String) -> ReadKey {
        ReadKey(["notification_id": notification, "receiver_id": receiver])
    }

    var key: ReadKey { Self.key(notificationID, receiverID) }
}
