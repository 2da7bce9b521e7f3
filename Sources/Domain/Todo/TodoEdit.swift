import Foundation

/// The fields a ``TodoCommand/edit(_:_:)`` changes; `nil` leaves a field as it is.
public struct TodoEdit: Sendable, Equatable {
    /// New title.
    public var title: String?
    /// New description.
    public var description: String?
    /// New priority.
    public var priority: TodoPriority?
    /// New due date: `.some(nil)` clears it.
    public var dueDate: Date??
    /// New tags.
    public var tags: [String]?
    /// New type.
    public var type: TodoType?

    /// Creates an edit.
    public init(
        title: String? = nil, description: String? = nil, priority: TodoPriority? = nil,
        dueDate: Date?? = nil, tags: [String]? = nil, type: TodoType? = nil
    ) {
        self.title = title
        self.description = description
        self.priority = priority
        self.dueDate = dueDate
        self.tags = tags
        self.type = type
    }

    /// Whether no field is set.
    public var isEmpty: Bool {
        title == nil && description == nil && priority == nil && dueDate == nil && tags == nil && type == nil
    }

    /// One `change…` command per present field, in a fixed order.
    func commands(for id: TodoID) -> [TodoCommand] {
        var result: [TodoCommand] = []
        if let title { result.append(.changeTitle(id, title)) }
        if let description { result.append(.changeDescription(id, description)) }
        if let priority { result.append(.changePriority(id, priority)) }
        if let dueDate { result.append(.changeDueDate(id, dueDate)) }
        if let tags { result.append(.changeTags(id, tags)) }
        if let type { result.append(.changeType(id, type)) }
        return result
    }
}
