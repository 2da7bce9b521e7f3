import Domain
import EventStore
import Foundation
import PostgresNIO

/// The `todos`, `todo_reminders` and `todo_daily_summary` tables.
public struct TodosProjection: Projection {
    /// `"todos"`.
    public let name = "todos"
    /// Version 3: version 2 plus `todos.personal_data` (texts the owner marked as personal data,
    /// erased by `UserErased`). Version 2 added the index a sync snapshot pages a user's todos by.
    public let version = 3
    /// Every ``TodoEvent`` type, and `UserErased` (which erases the owner's personal todo texts).
    public var eventTypes: [String]? { (TodoEvent.eventTypes.keys + ["UserErased"]).sorted() }
    /// `todos`, `todo_reminders` and `todo_daily_summary`.
    public var tables: [ReadTable] { [TodoRow.table, TodoReminderRow.table, TodoDailySummary.table] }
    /// The three tables and their indexes.
    public var schema: [String] { TodoRow.schema + TodoReminderRow.schema + TodoDailySummary.schema }
    /// The change-feed triggers of the synced tables.
    public var liveStatements: [String] {
        [
            ChangeFeed.trigger(on: TodoRow.table, entity: "todos", user: "owner_id", key: ["todo_id"]),
            ChangeFeed.trigger(on: TodoReminderRow.table, entity: "reminders", user: "owner_id", key: ["todo_id", "reminder_id"]),
        ]
    }

    /// Creates the projection.
    public init() {}

    /// Applies a batch: loads the todos and reminders it touches, folds the events, upserts each
    /// table once, then recomputes the daily summary rows whose counts may have changed.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        let decoded = try DecodedEvent<TodoEvent>.decodeAll(events)
        var todos = RowCache<TodoRow>()
        var reminders = RowCache<TodoReminderRow>()
        // A todo (or reminder) created in this batch cannot have a stored row: load only the others.
        // During a rebuild from the start, most of a todo's events follow its creation closely.
        var createdTodos = Set<ReadKey>()
        var scheduledReminders = Set<ReadKey>()
        for item in decoded {
            switch item.event {
            case .created(let created): createdTodos.insert(TodoRow.key(created.todoID.description))
            case .reminderScheduled: if let key = Self.reminderKey(of: item.event) { scheduledReminders.insert(key) }
            default: break
            }
        }
        try await todos.load(decoded.map { TodoRow.key(Self.todoID(of: $0.event)) }.filter { !createdTodos.contains($0) }, in: context)
        try await reminders.load(decoded.compactMap { Self.reminderKey(of: $0.event) }.filter { !scheduledReminders.contains($0) }, in: context)
        var days: [TodoDailySummary.Day: Int64] = [:]
        for item in decoded {
            let key = TodoRow.key(Self.todoID(of: item.event))
            let before = todos[key]?.summaryContribution
            try Self.apply(item, todos: &todos, reminders: &reminders)
            let after = todos[key]?.summaryContribution
            if before != after {
                for day in [before?.day, after?.day].compactMap({ $0 }) {
                    days[day] = item.position
                }
            }
        }
        try await todos.save(in: context)
        try await reminders.save(in: context)
        try await Self.erasePersonalTexts(of: try DecodedEvent<UserEvent>.decodeAll(events), in: context)
        // While rebuilding, nobody reads the shadow: the summary is built once, at the end.
        if !context.isRebuilding {
            try await TodoDailySummary.recompute(days, in: context)
        }
    }

    /// The title and description of every todo its owner marked as personal data read as erased
    /// once the owner's personal data is erased: as a rebuild shows them (the events' envelopes can
    /// no longer be opened), and changed here so that replicas receive the change. An empty
    /// description stays empty (it was never sealed). Runs after the batch's todo rows are saved:
    /// an erasure is final, so no later text of the owner's personal todos can follow it.
    private static func erasePersonalTexts(of users: [DecodedEvent<UserEvent>], in context: ProjectionContext) async throws {
        for item in users {
            guard case .erased(let erased) = item.event else { continue }
            try await context.execute(
                """
                UPDATE todos SET title = \(UserState.erasedValue),
                    description = CASE WHEN description = '' THEN '' ELSE \(UserState.erasedValue) END,
                    updated_at = \(erased.at), last_position = \(item.position)
                WHERE tenant_id = \(erased.tenantID.rawValue) AND owner_id = \(erased.userID.rawValue) AND personal_data
                """)
        }
    }

    /// The shadow's indexes are built after it is filled: no query of `apply` needs them while
    /// rebuilding, because the summary (the one query that would) waits for ``finishRebuild(in:)``.
    public var needsIndexesWhileRebuilding: Bool { false }

    /// Builds `todo_daily_summary` from the rebuilt `todos` in one statement.
    public func finishRebuild(in context: ProjectionContext) async throws {
        try await TodoDailySummary.rebuildAll(in: context)
    }

    private static func apply(
        _ item: DecodedEvent<TodoEvent>, todos: inout RowCache<TodoRow>, reminders: inout RowCache<TodoReminderRow>
    ) throws {
        let position = item.position
        func change(_ id: TodoID, at: Date, _ body: (inout TodoRow) -> Void) throws {
            try todos.update(TodoRow.key(id.description), for: item) { row in
                body(&row)
                row.updatedAt = ReadDate.text(at)
                row.lastPosition = position
            }
        }
        switch item.event {
        case .created(let created):
            let at = ReadDate.text(created.at)
            todos.put(
                TodoRow(
                    todoID: created.todoID.description, tenantID: created.tenantID.description,
                    ownerID: created.ownerID.description, title: created.title, description: created.description,
                    priority: created.priority.rawValue, type: created.type.rawValue,
                    personalData: created.personalDataOwnerID != nil, status: TodoStatus.open.rawValue,
                    tags: created.tags, dueAt: ReadDate.text(created.dueDate), dueDay: TodoRow.day(created.dueDate),
                    deleted: false, createdAt: at, updatedAt: at, lastPosition: position))
        case .titleChanged(let changed):
            try change(changed.todoID, at: changed.at) { $0.title = changed.title }
        case .descriptionChanged(let changed):
            try change(changed.todoID, at: changed.at) { $0.description = changed.description }
        case .priorityChanged(let changed):
            try change(changed.todoID, at: changed.at) { $0.priority = changed.priority.rawValue }
        case .dueDateChanged(let changed):
            try change(changed.todoID, at: changed.at) { row in
                row.dueAt = ReadDate.text(changed.dueDate)
                row.dueDay = TodoRow.day(changed.dueDate)
            }
        case .tagsChanged(let changed):
            try change(changed.todoID, at: changed.at) { $0.tags = changed.tags }
        case .typeChanged(let changed):
            try change(changed.todoID, at: changed.at) { $0.type = changed.type.rawValue }
        case .completed(let changed):
            try change(changed.todoID, at: changed.at) { row in
                row.status = TodoStatus.completed.rawValue
                row.completedAt = ReadDate.text(changed.at)
                row.cancelledAt = nil
            }
        case .reopened(let changed):
            try change(changed.todoID, at: changed.at) { row in
                row.status = TodoStatus.open.rawValue
                row.completedAt = nil
                row.cancelledAt = nil
            }
        case .cancelled(let changed):
            try change(changed.todoID, at: changed.at) { row in
                row.status = TodoStatus.cancelled.rawValue
                row.completedAt = nil
                row.cancelledAt = ReadDate.text(changed.at)
            }
        case .deleted(let changed):
            try change(changed.todoID, at: changed.at) { row in
                row.deleted = true
                row.deletedAt = ReadDate.text(changed.at)
            }
        case .restored(let changed):
            try change(changed.todoID, at: changed.at) { row in
                row.deleted = false
                row.deletedAt = nil
            }
        case .reminderScheduled(let scheduled):
            let todoKey = TodoRow.key(scheduled.todoID.description)
            guard let todo = todos[todoKey] else { throw item.missing(TodoRow.table, todoKey) }
            let at = ReadDate.text(scheduled.at)
            reminders.put(
                TodoReminderRow(
                    todoID: todo.todoID, reminderID: scheduled.reminderID.description, tenantID: todo.tenantID,
                    ownerID: todo.ownerID, kind: scheduled.kind.rawValue, fireAt: ReadDate.text(scheduled.fireAt),
                    status: TodoReminder.Status.scheduled.rawValue, scheduledAt: at, updatedAt: at, lastPosition: position))
        case .reminderCancelled(let changed):
            try reminders.update(TodoReminderRow.key(changed.todoID.description, changed.reminderID.description), for: item) { row in
                row.status = TodoReminder.Status.cancelled.rawValue
                row.cancelledAt = ReadDate.text(changed.at)
                row.updatedAt = ReadDate.text(changed.at)
                row.lastPosition = position
            }
        case .reminderSent(let changed):
            try reminders.update(TodoReminderRow.key(changed.todoID.description, changed.reminderID.description), for: item) { row in
                row.status = TodoReminder.Status.sent.rawValue
                row.sentAt = ReadDate.text(changed.at)
                row.updatedAt = ReadDate.text(changed.at)
                row.lastPosition = position
            }
        }
    }

    private static func todoID(of event: TodoEvent) -> String {
        switch event {
        case .created(let payload): payload.todoID.description
        case .titleChanged(let payload): payload.todoID.description
        case .descriptionChanged(let payload): payload.todoID.description
        case .priorityChanged(let payload): payload.todoID.description
        case .dueDateChanged(let payload): payload.todoID.description
        case .tagsChanged(let payload): payload.todoID.description
        case .typeChanged(let payload): payload.todoID.description
        case .completed(let payload), .reopened(let payload), .cancelled(let payload), .deleted(let payload),
            .restored(let payload):
            payload.todoID.description
        case .reminderScheduled(let payload): payload.todoID.description
        case .reminderCancelled(let payload), .reminderSent(let payload): payload.todoID.description
        }
    }

    private static func reminderKey(of event: TodoEvent) -> ReadKey? {
        switch event {
        case .reminderScheduled(let payload):
            TodoReminderRow.key(payload.todoID.description, payload.reminderID.description)
        case .reminderCancelled(let payload), .reminderSent(let payload):
            TodoReminderRow.key(payload.todoID.description, payload.reminderID.description)
        default:
            nil
        }
    }
}
