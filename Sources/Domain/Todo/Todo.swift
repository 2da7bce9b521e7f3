import Foundation

/// A todo of one user, with its reminders.
///
/// Only the owner (or the system) changes a todo. A change to the value a field already has
/// records nothing; repeating a status change that already holds records nothing. A deleted
/// todo refuses edits, status changes and reminder changes with `deleted` until it is restored.
public enum Todo: Aggregate {
    /// Stream ids are todo ids.
    public typealias ID = TodoID
    /// `nil` until `TodoCreated`.
    public typealias State = TodoState?

    /// `"todo"`.
    public static let category = "todo"
    /// No todo yet.
    public static let initialState: TodoState? = nil

    /// Decides a todo command.
    ///
    /// The checks run in a fixed order: creation and edits first (`Todo+DecideFields.swift`),
    /// then the todo must exist, the principal must own it (or be the system, for reminders it
    /// sends), and a deleted todo only takes `delete` and `restore` (`Todo+DecideLifecycle.swift`);
    /// reminders are decided in `Todo+DecideReminders.swift`.
    public static func decide(
        _ command: TodoCommand, state: TodoState?, context: CommandContext
    ) throws(DomainError) -> [TodoEvent] {
        if case .create(let id, let tenantID, let ownerID, let draft) = command {
            return try create(id, tenantID: tenantID, ownerID: ownerID, draft, state: state, context: context)
        }
        if case .edit(let id, let edit) = command {
            return try self.edit(id, edit, state: state, context: context)
        }
        guard let todo = state, todo.id == command.todoID else {
            throw .notFound("todo \(command.todoID) does not exist")
        }
        if case .markReminderSent = command {
            try Access.system(context, todo.tenantID, to: "mark reminders sent")
        } else {
            try Access.owner(context, todo.tenantID, todo.ownerID, to: "change todos")
        }
        if todo.isDeleted { return try whileDeleted(command, todo, context: context) }
        let now = context.timestamp

        switch command {
        case .create: throw .alreadyExists("todo \(todo.id) already exists")
        case .edit: throw .invalid("an edit is decided field by field")
        case .changeTitle(_, let value): return try changeTitle(value, todo, now: now)
        case .changeDescription(_, let value): return try changeDescription(value, todo, now: now)
        case .changePriority(_, let value): return changePriority(value, todo, now: now)
        case .changeDueDate(_, let value): return try changeDueDate(value, todo, now: now)
        case .changeTags(_, let value): return try changeTags(value, todo, now: now)
        case .changeType(_, let value): return changeType(value, todo, now: now)
        case .complete: return try complete(todo, context: context)
        case .cancel: return try cancel(todo, context: context)
        case .reopen: return reopen(todo, context: context)
        case .delete: return delete(todo, context: context)
        case .restore: return []
        case .scheduleReminder(_, let reminderID, let kind, let fireAt):
            return try scheduleReminder(reminderID, kind: kind, fireAt: fireAt, todo, now: now)
        case .cancelReminder(_, let reminderID): return try cancelReminder(reminderID, todo, now: now)
        case .markReminderSent(_, let reminderID): return try markReminderSent(reminderID, todo, now: now)
        }
    }

    /// Applies a todo event.
    public static func evolve(_ state: TodoState?, _ event: TodoEvent) -> TodoState? {
        if case .created(let created) = event {
            return TodoState(
                id: created.todoID, tenantID: created.tenantID, ownerID: created.ownerID, title: created.title,
                description: created.description, priority: created.priority, dueDate: created.dueDate,
                tags: created.tags, type: created.type, createdAt: created.at,
                containsPersonalData: created.personalDataOwnerID != nil)
        }
        guard var todo = state else { return state }
        switch event {
        case .created: break
        case .titleChanged(let changed): todo.title = changed.title
        case .descriptionChanged(let changed): todo.description = changed.description
        case .priorityChanged(let changed): todo.priority = changed.priority
        case .dueDateChanged(let changed): todo.dueDate = changed.dueDate
        case .tagsChanged(let changed): todo.tags = changed.tags
        case .typeChanged(let changed): todo.type = changed.type
        case .completed(let changed):
            todo.status = .completed
            todo.completedAt = changed.at
        case .reopened:
            todo.status = .open
            todo.completedAt = nil
        case .cancelled:
            todo.status = .cancelled
            todo.completedAt = nil
        case .deleted: todo.isDeleted = true
        case .restored: todo.isDeleted = false
        case .reminderScheduled(let scheduled):
            todo.reminders[scheduled.reminderID] = TodoReminder(
                id: scheduled.reminderID, kind: scheduled.kind, fireAt: scheduled.fireAt)
        case .reminderCancelled(let changed): todo.reminders[changed.reminderID]?.status = .cancelled
        case .reminderSent(let changed): todo.reminders[changed.reminderID]?.status = .sent
        }
        return todo
    }

    /// At most this many reminders of one todo may be scheduled at once.
    public static let maxScheduledReminders = 50

    static func title(_ value: String) throws(DomainError) -> String {
        try Validate.text(value, "title", 1...200)
    }

    static func description(_ value: String) throws(DomainError) -> String {
        try Validate.length(value, "description", 0...10_000)
        return value
    }

    /// Trims tags, drops duplicates (keeping the first), checks 1-50 characters each and at most 20.
    static func tags(_ values: [String]) throws(DomainError) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for value in values {
            let tag = try Validate.text(value, "each tag", 1...50)
            if seen.insert(tag).inserted { result.append(tag) }
        }
        if result.count > 20 { throw .invalid("a todo can have at most 20 tags") }
        return result
    }
}
