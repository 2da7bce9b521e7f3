import Foundation

extension Todo {
    /// `create`: only the owner (or the system) creates; a todo is created once.
    static func create(
        _ id: TodoID, tenantID: TenantID, ownerID: UserID, _ draft: TodoDraft, state: TodoState?, context: CommandContext
    ) throws(DomainError) -> [TodoEvent] {
        try Access.owner(context, tenantID, ownerID, to: "create todos")
        if state != nil { throw .alreadyExists("todo \(id) already exists") }
        return [
            .created(
                .init(
                    tenantID: tenantID, todoID: id, ownerID: ownerID, title: try title(draft.title),
                    description: try description(draft.description), priority: draft.priority,
                    dueDate: try draft.dueDate.map { value throws(DomainError) in try Validate.date(value, "dueDate") },
                    tags: try tags(draft.tags), type: draft.type, at: context.timestamp,
                    personalDataOwnerID: draft.containsPersonalData ? ownerID : nil))
        ]
    }

    /// `edit`: each present field is decided as its own `change…` command, in a fixed order,
    /// against the state the earlier ones left; all or nothing.
    static func edit(_ id: TodoID, _ edit: TodoEdit, state: TodoState?, context: CommandContext) throws(DomainError) -> [TodoEvent] {
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

    /// `changeTitle`: nothing when the title is already `value` (after trimming).
    static func changeTitle(_ value: String, _ todo: TodoState, now: Date) throws(DomainError) -> [TodoEvent] {
        let value = try title(value)
        return value == todo.title
            ? []
            : [
                .titleChanged(.init(tenantID: todo.tenantID, todoID: todo.id, title: value, at: now, personalDataOwnerID: todo.personalDataOwnerID))
            ]
    }

    /// `changeDescription`: nothing when the description is already `value`.
    static func changeDescription(_ value: String, _ todo: TodoState, now: Date) throws(DomainError) -> [TodoEvent] {
        let value = try description(value)
        return value == todo.description
            ? []
            : [
                .descriptionChanged(
                    .init(tenantID: todo.tenantID, todoID: todo.id, description: value, at: now, personalDataOwnerID: todo.personalDataOwnerID))
            ]
    }

    /// `changePriority`: nothing when the priority is already `value`.
    static func changePriority(_ value: TodoPriority, _ todo: TodoState, now: Date) -> [TodoEvent] {
        value == todo.priority
            ? [] : [.priorityChanged(.init(tenantID: todo.tenantID, todoID: todo.id, priority: value, at: now))]
    }

    /// `changeDueDate`: nothing when the due date is already `value`.
    static func changeDueDate(_ value: Date?, _ todo: TodoState, now: Date) throws(DomainError) -> [TodoEvent] {
        let value = try value.map { date throws(DomainError) in try Validate.date(date, "dueDate") }
        return value == todo.dueDate
            ? [] : [.dueDateChanged(.init(tenantID: todo.tenantID, todoID: todo.id, dueDate: value, at: now))]
    }

    /// `changeTags`: nothing when the tags (trimmed, without duplicates) are already `value`.
    static func changeTags(_ value: [String], _ todo: TodoState, now: Date) throws(DomainError) -> [TodoEvent] {
        let value = try tags(value)
        return value == todo.tags ? [] : [.tagsChanged(.init(tenantID: todo.tenantID, todoID: todo.id, tags: value, at: now))]
    }

    /// `changeType`: nothing when the type is already `value`.
    static func changeType(_ value: TodoType, _ todo: TodoState, now: Date) -> [TodoEvent] {
        value == todo.type ? [] : [.typeChanged(.init(tenantID: todo.tenantID, todoID: todo.id, type: value, at: now))]
    }
}
