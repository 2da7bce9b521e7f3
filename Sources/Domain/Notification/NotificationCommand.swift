/// Commands of the ``Notification`` aggregate.
public enum NotificationCommand: Sendable, Equatable {
    /// Sends a notification to 1-1000 receivers of the tenant (duplicates are dropped).
    case send(NotificationID, tenantID: TenantID, recipients: [Recipient], type: String, title: String, content: String)
    /// Marks the notification read by the acting receiver.
    case markRead(NotificationID)
    /// Archives the notification.
    case archive(NotificationID)

    /// The notification this command targets.
    public var notificationID: NotificationID {
        switch self {
        case .send(let id, _, _, _, _, _), .markRead(let id), .archive(let id): id
        }
    }
}
