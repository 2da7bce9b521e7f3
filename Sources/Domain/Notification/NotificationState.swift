import Foundation

/// The state of one sent notification.
public struct NotificationState: Sendable, Equatable {
    /// The notification.
    public var id: NotificationID
    /// The tenant.
    public var tenantID: TenantID
    /// The sending user; `nil` when the system sent it.
    public var senderID: UserID?
    /// Everyone it was sent to.
    public var receiverIDs: Set<UserID>
    /// Receivers who marked it read.
    public var readBy: Set<UserID>
    /// Machine-readable kind, e.g. `order.shipped`.
    public var type: String
    /// Title, 1-200 characters.
    public var title: String
    /// Content, at most 10,000 characters.
    public var content: String
    /// Whether it was archived.
    public var isArchived: Bool
    /// When it was sent.
    public var sentAt: Date

    /// Creates a notification state.
    public init(
        id: NotificationID, tenantID: TenantID, senderID: UserID?, receiverIDs: Set<UserID>,
        readBy: Set<UserID> = [], type: String, title: String, content: String,
        isArchived: Bool = false, sentAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.senderID = senderID
        self.receiverIDs = receiverIDs
        self.readBy = readBy
        self.type = type
        self.title = title
        self.content = content
        self.isArchived = isArchived
        self.sentAt = sentAt
    }
}
