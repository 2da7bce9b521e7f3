import Foundation

/// Commands of the ``Todo`` aggregate.
public enum TodoCommand: Sendable, Equatable {
    /// Creates a todo owned by `ownerID` (who must be the acting user, unless the system acts).
    case create(TodoID, tenantID: TenantID, ownerID: UserID, TodoDraft)
    /// Changes several fields at once, atomically: each present field is decided as its own
    /// `change…` command, in a fixed order, so each becomes its own event (and merges per field).
    case edit(TodoID, TodoEdit)
    /// Changes the title.
    case changeTitle(TodoID, String)
    /// Changes the description.
    case changeDescription(TodoID, String)
    /// Changes the priority.
    case changePriority(TodoID, TodoPriority)
    /// Sets or clears the due date.
    case changeDueDate(TodoID, Date?)
    /// Replaces the tags.
    case changeTags(TodoID, [String])
    /// Changes the type.
    case changeType(TodoID, TodoType)
    /// Marks an open todo completed.
    case complete(TodoID)
    /// Reopens a completed or cancelled todo.
    case reopen(TodoID)
    /// Cancels an open todo.
    case cancel(TodoID)
    /// Soft-deletes the todo and cancels its scheduled reminders.
    case delete(TodoID)
    /// Restores a deleted todo.
    case restore(TodoID)
    /// Schedules a reminder.
    case scheduleReminder(TodoID, ReminderID, kind: TodoReminder.Kind, fireAt: Date)
    /// Cancels a scheduled reminder.
    case cancelReminder(TodoID, ReminderID)
    /// Records that a reminder was delivered (system only).
    case markReminderSent(TodoID, ReminderID)

    /// The todo this command targets.
    public var todoID: TodoID {
        switch self {
        case .create(let id, _, _, _), .edit(let id, _), .changeTitle(let id, _), .changeDescription(let id, _),
            .changePriority(let id, _), .changeDueDate(let id, _), .changeTags(let id, _),
            .changeType(let id, _), .complete(let id), .reopen(let id), .cancel(let id),
            .delete(let id), .restore(let id), .scheduleReminder(let id, _, _, _),
            .cancelReminder(let id, _), .markReminderSent(let id, _):
            id
        }
    }
}

/// The fields of a new todo.
public struct TodoDraft: Sendable, Equatable {
    /// Title, 1-200 characters after trimming.
    public var title: String
    /// Description, at most 10,000 characters.
    public var description: String
    /// Priority.
    public var priority: TodoPriority
    /// Optional due date.
    public var dueDate: Date?
    /// Tags: at most 20, each 1-50 characters after trimming; duplicates are dropped.
    public var tags: [String]
    /// Personal or daily.
    public var type: TodoType
    /// Whether the title and description are the owner's personal data (sealed with the owner's
    /// data key, erased with the owner's personal data). Fixed at creation.
    public var containsPersonalData: Bool

    /// Creates a draft.
    public init(
        title: String, description: String = "", priority: TodoPriority = .medium,
        dueDate: Date? = nil, tags: [String] = [], type: TodoType = .personal, containsPersonalData: Bool = false
    ) {
        self.title = title
        self.description = description
        self.priority = priority
        self.dueDate = dueDate
        self.tags = tags
        self.type = type
        self.containsPersonalData = containsPersonalData
    }
}
