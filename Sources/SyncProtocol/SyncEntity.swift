/// The kinds of rows a replica holds. Raw values are the wire names and the replica's table names.
///
/// Each row travels as a JSON object whose members are the columns of the server's read model
/// (snake_case); the key of a row is a string (the entity's id, or `todo_id:reminder_id` for
/// reminders).
public enum SyncEntity: String, Sendable, Hashable, Codable, CaseIterable {
    /// The user's tenant: `tenant_id`, `name`, `code`, `active`.
    case tenant
    /// The user's own profile: the `read.users` columns plus `roles` (array of active role names).
    case profile
    /// The user's todos (`read.todos`); deleted todos arrive as tombstones.
    case todos
    /// Reminders of the user's todos (`read.todo_reminders`); key `todo_id:reminder_id`.
    case reminders
    /// The user's inbox: a notification (`read.notifications` minus `receiver_ids`) with this
    /// user's `read_at` and `archived`.
    case inbox
    /// Published announcements of the tenant (`read.announcements`) with this user's `read_at`.
    case announcements
    /// The user's orders (`read.orders`) with `items`, `history`, `refunds` and `complaints` arrays.
    case orders
    /// The user's devices (`read.devices`).
    case devices
}
