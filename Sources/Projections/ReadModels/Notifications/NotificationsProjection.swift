import Domain
import EventStore

/// The `notifications` and `notification_receipts` tables.
public struct NotificationsProjection: Projection {
    /// `"notifications"`.
    public let name = "notifications"
    /// Version 1.
    public let version = 1
    /// Every ``NotificationEvent`` type.
    public var eventTypes: [String]? { NotificationEvent.eventTypes.keys.sorted() }
    /// `notifications` and `notification_receipts`.
    public var tables: [ReadTable] { [NotificationRow.table, NotificationReceiptRow.table] }
    /// Both tables and their indexes.
    public var schema: [String] { NotificationRow.schema + NotificationReceiptRow.schema }
    /// The change-feed triggers of the synced tables.
    public var liveStatements: [String] {
        [
            ChangeFeed.trigger(on: NotificationRow.table, entity: "inbox", user: "receiver_ids", key: ["notification_id"]),
            ChangeFeed.trigger(on: NotificationReceiptRow.table, entity: "inbox", user: "receiver_id", key: ["notification_id"]),
        ]
    }

    /// Creates the projection.
    public init() {}

    /// Applies a batch: loads the notifications it touches, then the receipts (an archive touches
    /// every receiver's), folds the events, upserts once per table.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        let decoded = try DecodedEvent<NotificationEvent>.decodeAll(events)
        var notifications = RowCache<NotificationRow>()
        var receipts = RowCache<NotificationReceiptRow>()
        try await notifications.load(decoded.map { NotificationRow.key(Self.notificationID(of: $0.event)) }, in: context)
        var receiptKeys: [ReadKey] = []
        for item in decoded {
            switch item.event {
            case .sent: break
            case .read(let read):
                receiptKeys.append(NotificationReceiptRow.key(read.notificationID.description, read.receiverID.description))
            case .archived(let archived):
                let id = archived.notificationID.description
                for receiver in notifications[NotificationRow.key(id)]?.receiverIDs ?? [] {
                    receiptKeys.append(NotificationReceiptRow.key(id, receiver))
                }
            }
        }
        try await receipts.load(receiptKeys, in: context)
        for item in decoded {
            try Self.apply(item, notifications: &notifications, receipts: &receipts)
        }
        try await notifications.save(in: context)
        try await receipts.save(in: context)
    }

    private static func apply(
        _ item: DecodedEvent<NotificationEvent>, notifications: inout RowCache<NotificationRow>,
        receipts: inout RowCache<NotificationReceiptRow>
    ) throws {
        let position = item.position
        switch item.event {
        case .sent(let sent):
            let at = ReadDate.text(sent.at)
            let id = sent.notificationID.description
            let tenant = sent.tenantID.description
            let receivers = sent.receiverIDs.map(\.description)
            notifications.put(
                NotificationRow(
                    notificationID: id, tenantID: tenant, senderID: sent.senderID?.description, type: sent.type,
                    title: sent.title, content: sent.content, receiverIDs: receivers, archived: false,
                    sentAt: at, updatedAt: at, lastPosition: position))
            for receiver in receivers {
                receipts.put(
                    NotificationReceiptRow(
                        notificationID: id, receiverID: receiver, tenantID: tenant, sentAt: at, archived: false,
                        lastPosition: position))
            }
        case .read(let read):
            let key = NotificationReceiptRow.key(read.notificationID.description, read.receiverID.description)
            try receipts.update(key, for: item) { row in
                guard row.readAt == nil else { return }
                row.readAt = ReadDate.text(read.at)
                row.lastPosition = position
            }
        case .archived(let archived):
            let id = archived.notificationID.description
            let at = ReadDate.text(archived.at)
            var receivers: [String] = []
            try notifications.update(NotificationRow.key(id), for: item) { row in
                receivers = row.receiverIDs
                row.archived = true
                row.archivedAt = at
                row.archivedBy = archived.actorID?.description
                row.updatedAt = at
                row.lastPosition = position
            }
            for receiver in receivers {
                try receipts.update(NotificationReceiptRow.key(id, receiver), for: item) { row in
                    row.archived = true
                    row.archivedAt = at
                    row.lastPosition = position
                }
            }
        }
    }

    private static func notificationID(of event: NotificationEvent) -> String {
        switch event {
        case .sent(let payload): payload.notificationID.description
        case .read(let payload): payload.notificationID.description
        case .archived(let payload): payload.notificationID.description
        }
    }
}
