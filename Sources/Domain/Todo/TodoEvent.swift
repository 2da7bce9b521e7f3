import Foundation

/// Events of the ``Todo`` aggregate. Each field has its own change event so that concurrent
/// edits of different fields both survive.
public enum TodoEvent: DomainEvent {
    /// `TodoCreated` v2 (v1 named the due date `dueDate`).
    case created(Created)
    /// `TodoTitleChanged` v1.
    case titleChanged(TitleChanged)
    /// `TodoDescriptionChanged` v1.
    case descriptionChanged(DescriptionChanged)
    /// `TodoPriorityChanged` v1.
    case priorityChanged(PriorityChanged)
    /// `TodoDueDateChanged` v2 (v1 named the due date `dueDate`).
    case dueDateChanged(DueDateChanged)
    /// `TodoTagsChanged` v1.
    case tagsChanged(TagsChanged)
    /// `TodoTypeChanged` v1.
    case typeChanged(TypeChanged)
    /// `TodoCompleted` v1.
    case completed(Lifecycle)
    /// `TodoReopened` v1.
    case reopened(Lifecycle)
    /// `TodoCancelled` v1.
    case cancelled(Lifecycle)
    /// `TodoDeleted` v1.
    case deleted(Lifecycle)
    /// `TodoRestored` v1.
    case restored(Lifecycle)
    /// `TodoReminderScheduled` v1.
    case reminderScheduled(ReminderScheduled)
    /// `TodoReminderCancelled` v1.
    case reminderCancelled(ReminderChanged)
    /// `TodoReminderSent` v1.
    case reminderSent(ReminderChanged)

    /// All wire names with their current schema versions.
    public static let eventTypes: [String: Int] = [
        "TodoCreated": 2, "TodoTitleChanged": 1, "TodoDescriptionChanged": 1, "TodoPriorityChanged": 1,
        "TodoDueDateChanged": 2, "TodoTagsChanged": 1, "TodoTypeChanged": 1, "TodoCompleted": 1,
        "TodoReopened": 1, "TodoCancelled": 1, "TodoDeleted": 1, "TodoRestored": 1,
        "TodoReminderScheduled": 1, "TodoReminderCancelled": 1, "TodoReminderSent": 1,
    ]

    /// Version 2 of `TodoCreated` and `TodoDueDateChanged` calls the due date `dueAt` (the name of
    /// the protocol's `due_at` and of a reminder's `fireAt`); version 1 called it `dueDate`.
    public static let upcasters: [EventUpcaster] = [
        .renaming("TodoCreated", fromVersion: 1, field: "dueDate", to: "dueAt"),
        .renaming("TodoDueDateChanged", fromVersion: 1, field: "dueDate", to: "dueAt"),
    ]

    /// The title and description of a todo whose owner marked its texts as personal data: the
    /// events of such a todo name the owner in `personalDataOwnerID`; other todos' texts stay plain.
    public static let personalFields: [String: PersonalFieldRule] = [
        "TodoCreated": PersonalFieldRule(["title", "description"], ownerField: "personalDataOwnerID"),
        "TodoTitleChanged": PersonalFieldRule(["title"], ownerField: "personalDataOwnerID"),
        "TodoDescriptionChanged": PersonalFieldRule(["description"], ownerField: "personalDataOwnerID"),
    ]

    /// The wire name of this event.
    public var eventType: String {
        switch self {
        case .created: "TodoCreated"
        case .titleChanged: "TodoTitleChanged"
        case .descriptionChanged: "TodoDescriptionChanged"
        case .priorityChanged: "TodoPriorityChanged"
        case .dueDateChanged: "TodoDueDateChanged"
        case .tagsChanged: "TodoTagsChanged"
        case .typeChanged: "TodoTypeChanged"
        case .completed: "TodoCompleted"
        case .reopened: "TodoReopened"
        case .cancelled: "TodoCancelled"
        case .deleted: "TodoDeleted"
        case .restored: "TodoRestored"
        case .reminderScheduled: "TodoReminderScheduled"
        case .reminderCancelled: "TodoReminderCancelled"
        case .reminderSent: "TodoReminderSent"
        }
    }

    /// The schema version of this event's data.
    public var schemaVersion: Int { Self.eventTypes[eventType] ?? 1 }

    /// The deterministic JSON payload.
    public func encodedData() throws -> Data {
        switch self {
        case .created(let payload): try EventCoding.encode(payload)
        case .titleChanged(let payload): try EventCoding.encode(payload)
        case .descriptionChanged(let payload): try EventCoding.encode(payload)
        case .priorityChanged(let payload): try EventCoding.encode(payload)
        case .dueDateChanged(let payload): try EventCoding.encode(payload)
        case .tagsChanged(let payload): try EventCoding.encode(payload)
        case .typeChanged(let payload): try EventCoding.encode(payload)
        case .completed(let payload), .reopened(let payload), .cancelled(let payload),
            .deleted(let payload), .restored(let payload):
            try EventCoding.encode(payload)
        case .reminderScheduled(let payload): try EventCoding.encode(payload)
        case .reminderCancelled(let payload), .reminderSent(let payload): try EventCoding.encode(payload)
        }
    }

    /// Decodes a stored payload.
    public static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> TodoEvent {
        guard let current = eventTypes[eventType] else { throw EventDecodingError.unknownEventType(eventType) }
        func payload<T: Decodable>(_ type: T.Type) throws -> T {
            try EventCoding.decode(type, eventType: eventType, schemaVersion: schemaVersion, current: current, upcasters: upcasters, data: data)
        }
        switch eventType {
        case "TodoCreated": return .created(try payload(Created.self))
        case "TodoTitleChanged": return .titleChanged(try payload(TitleChanged.self))
        case "TodoDescriptionChanged": return .descriptionChanged(try payload(DescriptionChanged.self))
        case "TodoPriorityChanged": return .priorityChanged(try payload(PriorityChanged.self))
        case "TodoDueDateChanged": return .dueDateChanged(try payload(DueDateChanged.self))
        case "TodoTagsChanged": return .tagsChanged(try payload(TagsChanged.self))
        case "TodoTypeChanged": return .typeChanged(try payload(TypeChanged.self))
        case "TodoCompleted": return .completed(try payload(Lifecycle.self))
        case "TodoReopened": return .reopened(try payload(Lifecycle.self))
        case "TodoCancelled": return .cancelled(try payload(Lifecycle.self))
        case "TodoDeleted": return .deleted(try payload(Lifecycle.self))
        case "TodoRestored": return .restored(try payload(Lifecycle.self))
        case "TodoReminderScheduled": return .reminderScheduled(try payload(ReminderScheduled.self))
        case "TodoReminderCancelled": return .reminderCancelled(try payload(ReminderChanged.self))
        case "TodoReminderSent": return .reminderSent(try payload(ReminderChanged.self))
        default: throw EventDecodingError.unknownEventType(eventType)
        }
    }
}
