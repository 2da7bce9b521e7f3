import Commands
import Domain
import SyncProtocol

extension MutationPlanner {
    /// The builders of the notification mutations.
    static let notificationBuilders: [MutationName: Builder] = [
        .notificationRead: { _, input throws(CommandError) in try notification(input) { .markRead($0) } },
        .notificationArchive: { _, input throws(CommandError) in try notification(input) { .archive($0) } },
        .notificationSend: { _, input throws(CommandError) in
            let a = input.arguments
            let id: NotificationID = try a.id("notification_id")
            var receivers: [UserID] = []
            for text in try a.strings("receivers") ?? [] {
                guard let user = UserID(text) else { throw CommandError(.invalid, "'receivers' must hold user ids") }
                receivers.append(user)
            }
            let tenant = input.tenant
            guard input.principal.isAdmin(in: tenant) else {
                throw CommandError(.forbidden, "only an administrator may send notifications")
            }
            let (type, title, content, to) = (try a.string("type"), try a.string("title"), try a.string("content"), receivers)
            return .standalone { service, envelope throws(CommandError) in
                try await service.sendNotification(
                    id, tenantID: tenant, receivers: to, type: type, title: title, content: content, envelope: envelope
                )
            }
        },
    ]

    /// A command on the notification named by `notification_id`.
    private static func notification(_ input: MutationInput, _ make: (NotificationID) -> NotificationCommand) throws(CommandError) -> PlannedCommand {
        let id: NotificationID = try input.arguments.id("notification_id")
        return .command(NotificationAggregate.self, id: id, command: make(id))
    }
}
