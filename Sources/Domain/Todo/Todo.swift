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
    public static func decide(
        _ command: TodoCommand, state: TodoState?, context: CommandContext
    ) throws(DomainError) -> [TodoEvent] {
        let now = context.timestamp
        let actor = context.principal.userID
        if case .create(let id, let tenantID, let ownerID, let draft) = command {
            try Access.owner(context, tenantID, ownerID, to: "create todos")
            if state != nil { throw .alreadyExists("todo \(id) already exists") }
            return [.created(.init(
                tenantID: tenantID, todoID: id, ownerID: ownerID, title: try title(draft.title),
                description: try description(draft.description), priority: draft.priority,
                dueDate: try draft.dueDate.map { value throws(DomainError) in try Validate.date(value, "dueDate") },
                tags: try tags(draft.tags), type: draft.type, at: now))]
        }
        if case .edit(let id, let edit) = command {
            guard !edit.isEmpty else { throw .invalid("an edit must change at least one field") }
            var current = state
            var events: [TodoEvent] = []
            for change in edit.commands(for: id) {
                let produced = try decide(change, state: current, context: context)
                for event in produced { current = evolve(current, event) }
                events += produced
            }
            return events
        }
        guard let todo = state, todo.id == command.todoID else {
            throw .notFound("todo \(command.todoID) does not exist")
        }
        let tenant = todo.tenantID
        let id = todo.id
        if case .markReminderSent = command {
            try Access.system(context, tenant, to: "mark reminders sent")
        } else {
            try Access.owner(context, tenant, todo.ownerID, to: "change todos")
        }
        if todo.isDeleted {
            switch command {
            case .delete: return []
            case .restore: return [.restored(.init(tenantID: tenant, todoID: id, actorID: actor, at: now))]
            default: throw .deleted("todo \"\(todo.title)\" is deleted")
            }
        }
        let lifecycle = TodoEvent.Lifecycle(tenantID: tenant, todoID: id, actorID: actor, at: now)

        switch command {
        case .create:
            throw .alreadyExists("todo \(id) already exists")
        case .edit:
            throw .invalid("an edit is decided field by field")
        case .changeTitle(_, let value):
            let value = try title(value)
            return value == todo.title ? [] : [.titleChanged(.init(tenantID: tenant, todoID: id, title: value, at: now))]
        case .changeDescription(_, let value):
            let value = try description(value)
            return value == todo.description
                ? [] : [.descriptionChanged(.init(tenantID: tenant, todoID: id, description: value, at: now))]
        case .changePriority(_, let value):
            return value == todo.priority
                ? [] : [.priorityChanged(.init(tenantID: tenant, todoID: id, priority: value, at: now))]
        case .changeDueDate(_, let value):
            let value = try value.map { date throws(DomainError) in try Validate.date(date, "dueDate") }
            return value == todo.dueDate
                ? [] : [.dueDateChanged(.init(tenantID: tenant, todoID: id, dueDate: value, at: now))]
        case .changeTags(_, let value):
            let value = try tags(value)
            return value == todo.tags ? [] : [.tagsChanged(.init(tenantID: tenant, todoID: id, tags: value, at: now))]
        case .changeType(_, let value):
            return value == todo.type ? [] : [.typeChanged(.init(tenantID: tenant, todoID: id, type: value, at: now))]

        case .complete:
            switch todo.status {
            case .open: return [.completed(lifecycle)]
            case .completed: return []
            case .cancelled: throw .conflict("cannot complete a todo that is cancelled; reopen it first")
            }
        case .cancel:
            switch todo.status {
            case .open: return [.cancelled(lifecycle)]
            case .cancelled: return []
            case .completed: throw .conflict("cannot cancel a todo that is completed; reopen it first")
            }
        case .reopen:
            return todo.status == .open ? [] : [.reopened(lifecycle)]
        case .delete:
            let pending = todo.reminders.values.filter { $0.status == .scheduled }.map(\.id).sorted()
            return pending.map {
                .reminderCancelled(.init(tenantID: tenant, todoID: id, reminderID: $0, at: now))
            } + [.deleted(lifecycle)]
        case .restore:
            return []

        case .scheduleReminder(_, let reminderID, let kind, let fireAt):
            if todo.reminders[reminderID] != nil { throw .alreadyExists("reminder \(reminderID) already exists") }
            let scheduled = todo.reminders.values.filter { $0.status == .scheduled }.count
            if scheduled >= maxScheduledReminders {
                throw .conflict("a todo can have at most \(maxScheduledReminders) scheduled reminders")
            }
            let fireAt = try Validate.date(fireAt, "fireAt")
            return [.reminderScheduled(.init(
                tenantID: tenant, todoID: id, reminderID: reminderID, kind: kind, fireAt: fireAt, at: now))]
        case .cancelReminder(_, let reminderID):
            let reminder = try existingReminder(todo, reminderID)
            switch reminder.status {
            case .scheduled: return [.reminderCancelled(.init(tenantID: tenant, todoID: id, reminderID: reminderID, at: now))]
            case .cancelled: return []
            case .sent: throw .conflict("cannot cancel a reminder that was already sent")
            }
        case .markReminderSent(_, let reminderID):
            let reminder = try existingReminder(todo, reminderID)
            switch reminder.status {
            case .scheduled: return [.reminderSent(.init(tenantID: tenant, todoID: id, reminderID: reminderID, at: now))]
            case .sent: return []
            case .cancelled: throw .conflict("cannot send a reminder that was cancelled")
            }
        }
    }

    /// Applies a todo event.
    public static func evolve(_ state: TodoState?, _ event: TodoEvent) -> TodoState? {
        if case .created(let created) = event {
            return TodoState(
                id: created.todoID, tenantID: created.tenantID, ownerID: created.ownerID, title: created.title,
                description: created.description, priority: created.priority, dueDate: created.dueDate,
                tags: created.tags, type: created.type, createdAt: created.at)
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

    private static func existingReminder(_ todo: TodoState, _ id: ReminderID) throws(DomainError) -> TodoReminder {
        guard let reminder = todo.reminders[id] else { throw .notFound("reminder \(id) does not exist") }
        return reminder
    }
}
