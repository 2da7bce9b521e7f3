import SyncProtocol

extension LocalEffects {
    /// The members `todo.edit` may change.
    static let todoEditMembers = ["title", "description", "priority", "due_at", "tags", "type"]

    /// The effect of a todo mutation on its `todos` row.
    static func todo(
        _ name: MutationName, _ arguments: Members, at: String, context: EffectContext, _ row: Members?
    ) -> Members? {
        switch name {
        case .todoCreate:
            if let row { return row }
            return newTodo(arguments, at: at, context: context)
        case .todoEdit:
            return row.map { merged($0, from: arguments, keys: todoEditMembers, at: at) }
        case .todoComplete:
            return transition(row, from: ["open"], to: "completed", at: at) { row in
                row["completed_at"] = .string(at)
            }
        case .todoCancel:
            return transition(row, from: ["open"], to: "cancelled", at: at) { row in
                row["cancelled_at"] = .string(at)
            }
        case .todoReopen:
            return transition(row, from: ["completed", "cancelled"], to: "open", at: at) { row in
                row["completed_at"] = .null
                row["cancelled_at"] = .null
            }
        case .todoDelete:
            return nil
        default:
            return row
        }
    }

    /// The row `todo.create` inserts, with the server's defaults.
    private static func newTodo(_ arguments: Members, at: String, context: EffectContext) -> Members {
        [
            "todo_id": arguments["todo_id"] ?? .null,
            "tenant_id": string(context.tenantID),
            "owner_id": string(context.userID),
            "title": arguments["title"] ?? .string(""),
            "description": arguments["description"].flatMap { $0.isNull ? nil : $0 } ?? .string(""),
            "priority": arguments["priority"] ?? .string("medium"),
            "type": arguments["type"] ?? .string("personal"),
            "personal_data": arguments["personal_data"].flatMap { $0.isNull ? nil : $0 } ?? .bool(false),
            "status": .string("open"),
            "tags": arguments["tags"] ?? .array([]),
            "due_at": arguments["due_at"] ?? .null,
            "completed_at": .null,
            "cancelled_at": .null,
            "created_at": .string(at),
            "updated_at": .string(at),
        ]
    }

    /// Moves `status` to `to` when it is one of `from`; otherwise the row stays (the server will decide).
    private static func transition(
        _ row: Members?, from: Set<String>, to: String, at: String, _ change: (inout Members) -> Void
    ) -> Members? {
        guard var row else { return nil }
        guard let status = row["status"]?.stringValue, from.contains(status) else { return row }
        row["status"] = .string(to)
        row["updated_at"] = .string(at)
        change(&row)
        return row
    }

    /// The effect of a reminder mutation on its `reminders` row.
    static func reminder(
        _ name: MutationName, _ arguments: Members, at: String, context: EffectContext, _ row: Members?
    ) -> Members? {
        switch name {
        case .reminderSchedule:
            var reminder =
                row ?? [
                    "todo_id": arguments["todo_id"] ?? .null,
                    "reminder_id": arguments["reminder_id"] ?? .null,
                    "owner_id": string(context.userID),
                ]
            reminder["kind"] = arguments["kind"] ?? .null
            reminder["fire_at"] = arguments["fire_at"] ?? .null
            reminder["status"] = .string("scheduled")
            reminder["updated_at"] = .string(at)
            return reminder
        case .reminderCancel:
            guard var row else { return nil }
            if row["status"]?.stringValue == "scheduled" {
                row["status"] = .string("cancelled")
                row["updated_at"] = .string(at)
            }
            return row
        default:
            return row
        }
    }
}
