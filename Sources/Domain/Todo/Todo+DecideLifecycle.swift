extension Todo {
    /// A deleted todo takes `delete` (nothing happens) and `restore`; everything else is refused
    /// `deleted`.
    static func whileDeleted(_ command: TodoCommand, _ todo: TodoState, context: CommandContext) throws(DomainError) -> [TodoEvent] {
        switch command {
        case .delete: return []
        case .restore: return [.restored(.init(tenantID: todo.tenantID, todoID: todo.id, actorID: context.principal.userID, at: context.timestamp))]
        default: throw .deleted("todo \"\(todo.title)\" is deleted")
        }
    }

    /// `complete`: an open todo completes; a cancelled one must be reopened first.
    static func complete(_ todo: TodoState, context: CommandContext) throws(DomainError) -> [TodoEvent] {
        switch todo.status {
        case .open: return [.completed(lifecycle(todo, context))]
        case .completed: return []
        case .cancelled: throw .conflict("cannot complete a todo that is cancelled; reopen it first")
        }
    }

    /// `cancel`: an open todo is cancelled; a completed one must be reopened first.
    static func cancel(_ todo: TodoState, context: CommandContext) throws(DomainError) -> [TodoEvent] {
        switch todo.status {
        case .open: return [.cancelled(lifecycle(todo, context))]
        case .cancelled: return []
        case .completed: throw .conflict("cannot cancel a todo that is completed; reopen it first")
        }
    }

    /// `reopen`: a completed or cancelled todo opens again.
    static func reopen(_ todo: TodoState, context: CommandContext) -> [TodoEvent] {
        todo.status == .open ? [] : [.reopened(lifecycle(todo, context))]
    }

    /// `delete`: cancels the scheduled reminders (in id order), then deletes.
    static func delete(_ todo: TodoState, context: CommandContext) -> [TodoEvent] {
        let pending = todo.reminders.values.filter { $0.status == .scheduled }.map(\.id).sorted()
        return pending.map {
            .reminderCancelled(.init(tenantID: todo.tenantID, todoID: todo.id, reminderID: $0, at: context.timestamp))
        } + [.deleted(lifecycle(todo, context))]
    }

    /// The payload of a lifecycle event of `todo` by the acting user, now.
    private static func lifecycle(_ todo: TodoState, _ context: CommandContext) -> TodoEvent.Lifecycle {
        TodoEvent.Lifecycle(tenantID: todo.tenantID, todoID: todo.id, actorID: context.principal.userID, at: context.timestamp)
    }
}
