import Commands
import Domain
import SyncProtocol

extension MutationPlanner {
    /// The builders of the todo and reminder mutations.
    static let todoBuilders: [MutationName: Builder] = [
        .todoCreate: { _, input throws(CommandError) in
            let owner = try input.user()
            let a = input.arguments
            let draft = TodoDraft(
                title: try a.string("title"), description: try a.optionalString("description") ?? "",
                priority: try a.enumeration("priority") ?? .medium, dueDate: try a.date("due_at"),
                tags: try a.strings("tags") ?? [], type: try a.enumeration("type") ?? .personal,
                containsPersonalData: try a.bool("personal_data") ?? false
            )
            let id: TodoID = try a.id("todo_id")
            return .command(Todo.self, id: id, command: .create(id, tenantID: input.tenant, ownerID: owner, draft))
        },
        .todoEdit: { _, input throws(CommandError) in
            let a = input.arguments
            let id: TodoID = try a.id("todo_id")
            // The mark is fixed at creation: the texts written before it are already in the log.
            guard !a.has("personal_data") else {
                throw CommandError(.invalid, "'personal_data' of todo.edit cannot be changed: a todo is marked personal when it is created")
            }
            let edit = TodoEdit(
                title: try a.optionalString("title"), description: try a.optionalString("description"),
                priority: try a.enumeration("priority"), dueDate: a.has("due_at") ? .some(try a.date("due_at")) : nil,
                tags: try a.strings("tags"), type: try a.enumeration("type")
            )
            return .command(Todo.self, id: id, command: .edit(id, edit))
        },
        .todoComplete: { _, input throws(CommandError) in try todo(input) { .complete($0) } },
        .todoReopen: { _, input throws(CommandError) in try todo(input) { .reopen($0) } },
        .todoCancel: { _, input throws(CommandError) in try todo(input) { .cancel($0) } },
        .todoDelete: { _, input throws(CommandError) in try todo(input) { .delete($0) } },
        .todoRestore: { _, input throws(CommandError) in try todo(input) { .restore($0) } },
        .reminderSchedule: { _, input throws(CommandError) in
            let a = input.arguments
            let reminder: ReminderID = try a.id("reminder_id")
            guard let kind: TodoReminder.Kind = try a.enumeration("kind") else {
                throw CommandError(.invalid, "\(input.name.rawValue) needs 'kind'")
            }
            let fireAt = try a.requiredDate("fire_at")
            return try todo(input) { .scheduleReminder($0, reminder, kind: kind, fireAt: fireAt) }
        },
        .reminderCancel: { _, input throws(CommandError) in
            let reminder: ReminderID = try input.arguments.id("reminder_id")
            return try todo(input) { .cancelReminder($0, reminder) }
        },
    ]

    /// A command on the todo named by `todo_id`.
    private static func todo(_ input: MutationInput, _ make: (TodoID) -> TodoCommand) throws(CommandError) -> PlannedCommand {
        let id: TodoID = try input.arguments.id("todo_id")
        return .command(Todo.self, id: id, command: make(id))
    }
}
