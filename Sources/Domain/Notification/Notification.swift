import Foundation

/// A message from a sender to one or more receivers of the same tenant, with per-receiver read marks.
///
/// Administrators (or the system) send and archive; each receiver marks their own copy read.
public enum Notification: Aggregate {
    /// Stream ids are notification ids.
    public typealias ID = NotificationID
    /// `nil` until `NotificationSent`.
    public typealias State = NotificationState?

    /// `"notification"`.
    public static let category = "notification"
    /// No notification yet.
    public static let initialState: NotificationState? = nil

    /// Characters allowed in a notification type.
    static let typeCharacters = Validate.lowercaseLetters + Validate.digits + "_.-"

    /// Decides a notification command.
    public static func decide(
        _ command: NotificationCommand, state: NotificationState?, context: CommandContext
    ) throws(DomainError) -> [NotificationEvent] {
        let now = context.timestamp
        if case .send(let id, let tenantID, let recipients, let type, let title, let content) = command {
            try Access.admin(context, tenantID, to: "send notifications")
            if state != nil { throw .alreadyExists("notification \(id) already exists") }
            var receivers = Set<UserID>()
            for recipient in recipients {
                guard recipient.tenantID == tenantID else {
                    throw .forbidden("receiver \(recipient.userID) belongs to another tenant")
                }
                guard recipient.isActive else { throw .invalid("receiver \(recipient.userID) is not active") }
                receivers.insert(recipient.userID)
            }
            guard (1...1000).contains(receivers.count) else {
                throw .invalid("a notification needs 1-1000 distinct receivers, not \(receivers.count)")
            }
            let type = try Validate.slug(type, "type", allowed: typeCharacters, 1...64)
            let title = try Validate.text(title, "title", 1...200)
            try Validate.length(content, "content", 0...10_000)
            return [
                .sent(
                    .init(
                        tenantID: tenantID, notificationID: id, senderID: context.principal.userID,
                        receiverIDs: receivers.sorted(), type: type, title: title, content: content, at: now))
            ]
        }
        guard let notification = state, notification.id == command.notificationID else {
            throw .notFound("notification \(command.notificationID) does not exist")
        }
        let tenant = notification.tenantID
        switch command {
        case .send:
            throw .alreadyExists("notification \(notification.id) already exists")
        case .markRead:
            try Access.inTenant(context, tenant, to: "read notifications")
            let reader = try Access.actingUser(context, to: "mark a notification read")
            guard notification.receiverIDs.contains(reader) else {
                throw .forbidden("only a receiver may mark this notification read")
            }
            if notification.readBy.contains(reader) { return [] }
            return [.read(.init(tenantID: tenant, notificationID: notification.id, receiverID: reader, at: now))]
        case .archive:
            try Access.admin(context, tenant, to: "archive notifications")
            if notification.isArchived { return [] }
            return [
                .archived(
                    .init(
                        tenantID: tenant, notificationID: notification.id, actorID: context.principal.userID, at: now))
            ]
        }
    }

    /// Applies a notification event.
    public static func evolve(_ state: NotificationState?, _ event: NotificationEvent) -> NotificationState? {
        switch event {
        case .sent(let sent):
            return NotificationState(
                id: sent.notificationID, tenantID: sent.tenantID, senderID: sent.senderID,
                receiverIDs: Set(sent.receiverIDs), type: sent.type, title: sent.title,
                content: sent.content, sentAt: sent.at)
        case .read(let read):
            guard var notification = state else { return state }
            notification.readBy.insert(read.receiverID)
            return notification
        case .archived:
            guard var notification = state else { return state }
            notification.isArchived = true
            return notification
        }
    }
}

/// An unambiguous name for ``Notification``: Foundation also declares a `Notification` type,
/// so code importing both modules can write `NotificationAggregate` (or `Domain.Notification`).
public typealias NotificationAggregate = Notification
