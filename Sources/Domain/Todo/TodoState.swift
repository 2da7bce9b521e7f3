import Foundation

/// The state of one existing todo.
public struct TodoState: Sendable, Equatable {
    /// The todo.
    public var id: TodoID
    /// The tenant.
    public var tenantID: TenantID
    /// The user who owns the todo; only they (or the system) change it.
    public var ownerID: UserID
    /// Title, 1-200 characters, trimmed.
    public var title: String
    /// Description, at most 10,000 characters.
    public var description: String
    /// Priority.
    public var priority: TodoPriority
    /// Due date, if any.
    public var dueDate: Date?
    /// Tags, at most 20, each 1-50 characters, without duplicates, in the order given.
    public var tags: [String]
    /// Personal or daily.
    public var type: TodoType
    /// Open, completed or cancelled.
    public var status: TodoStatus
    /// Whether the todo is (soft-)deleted; a deleted todo can be restored.
    public var isDeleted: Bool
    /// Reminders by id, in every status.
    public var reminders: [ReminderID: TodoReminder]
    /// When the todo was created.
    public var createdAt: Date
    /// When the todo was last completed, while it is completed.
    public var completedAt: Date?
    /// Whether the owner marked the todo's title and description as personal data (set at
    /// creation, for the todo's life): they are then sealed with the owner's data key and read
    /// as erased once the owner's personal data is erased.
    public var containsPersonalData: Bool

    /// The owner when ``containsPersonalData``: the `personalDataOwnerID` of the todo's text events.
    public var personalDataOwnerID: UserID? { containsPersonalData ? ownerID : nil }

    /// Creates a todo state.
    public init(
        id: TodoID, tenantID: TenantID, ownerID: UserID, title: String, description: String,
        priority: TodoPriority, dueDate: Date?, tags: [String], type: TodoType,
        status: TodoStatus = .open, isDeleted: Bool = false, reminders: [ReminderID: TodoReminder] = [:],
        createdAt: Date, completedAt: Date? = nil, containsPersonalData: Bool = false
    ) {
        self.id = id
        self.tenantID = tenantID
        self.ownerID = ownerID
        self.title = title
        self.description = description
        self.priority = priority
        self.dueDate = dueDate
        self.tags = tags
        self.type = type
        self.status = status
        self.isDeleted = isDeleted
        self.reminders = reminders
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.containsPersonalData = containsPersonalData
    }
}

/// How urgent a todo is.
public enum TodoPriority: String, Sendable, Hashable, Codable, CaseIterable {
    /// High priority.
    case high
    /// Medium priority.
    case medium
    /// Low priority.
    case low
}

/// The kind of a todo.
public enum TodoType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A one-off personal todo.
    case personal
    /// A todo that recurs daily.
    case daily
}

/// Where a todo stands.
public enum TodoStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not done yet.
    case open
    /// Done.
    case completed
    /// Abandoned.
    case cancelled
}
