import Commands
import Domain
import SyncProtocol

extension MutationPlanner {
    /// The builders of the announcement mutations.
    static let announcementBuilders: [MutationName: Builder] = [
        .announcementRead: { _, input throws(CommandError) in try announcement(input) { .markRead($0) } },
        .announcementDraft: { _, input throws(CommandError) in
            let a = input.arguments
            let id: AnnouncementID = try a.id("announcement_id")
            let command = AnnouncementCommand.draft(id, tenantID: input.tenant, title: try a.string("title"), body: try a.string("body"))
            return .command(Announcement.self, id: id, command: command)
        },
        .announcementEdit: { _, input throws(CommandError) in
            let title = try input.arguments.optionalString("title")
            let body = try input.arguments.optionalString("body")
            return try announcement(input) { .edit($0, title: title, body: body) }
        },
        .announcementPublish: { _, input throws(CommandError) in try announcement(input) { .publish($0) } },
        .announcementUnpublish: { _, input throws(CommandError) in try announcement(input) { .unpublish($0) } },
        .announcementArchive: { _, input throws(CommandError) in try announcement(input) { .archive($0) } },
    ]

    /// A command on the announcement named by `announcement_id`.
    private static func announcement(_ input: MutationInput, _ make: (AnnouncementID) -> AnnouncementCommand) throws(CommandError) -> PlannedCommand {
        let id: AnnouncementID = try input.arguments.id("announcement_id")
        return .command(Announcement.self, id: id, command: make(id))
    }
}
