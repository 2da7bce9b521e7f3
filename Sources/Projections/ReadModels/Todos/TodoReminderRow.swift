/// A row of `todo_reminders`: one per reminder, in every status (reminders are never removed).
struct TodoReminderRow: ReadRow, Equatable {
    /// The todo.
    var todoID: String
    /// The reminder.
    var reminderID: String
    /// The tenant.
    var tenantID: String
    /// The todo's owner.
    var ownerID: String
    /// `due`, `overdue` or `daily`.
    var kind: String
    /// When it should fire.
    var fireAt: String
    /// `scheduled`, `cancelled` or `sent`.
    var status: String
    /// When it was scheduled.
    var scheduledAt: String
    /// When it was cancelled.
    var cancelledAt: String?
    /// When it was sent.
    var sentAt: String?
    /// When the row last changed.
    var updatedAt: String
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case todoID = "todo_id", reminderID = "reminder_id", tenantID = "tenant_id", ownerID = "owner_id", kind
        case fireAt = "fire_at", status, scheduledAt = "scheduled_at", cancelledAt = "cancelled_at"
        case sentAt = "sent_at", updatedAt = "updated_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "todo_reminders", key: ["todo_id", "reminder_id"],
        columns: [
            "todo_id", "reminder_id", "tenant_id", "owner_id", "kind", "fire_at", "status", "scheduled_at",
            "cancelled_at", "sent_at", "updated_at", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE todo_reminders (
            todo_id uuid NOT NULL,
            reminder_id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            owner_id uuid NOT NULL,
            kind text NOT NULL CHECK (kind IN ('due', 'overdue', 'daily')),
            fire_at timestamptz NOT NULL,
            status text NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'sent')),
            scheduled_at timestamptz NOT NULL,
            cancelled_at timestamptz,
            sent_at timestamptz,
            updated_at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            PRIMARY KEY (todo_id, reminder_id)
        )
        """,
        "CREATE INDEX todo_reminders_tenant_position_idx ON todo_reminders (tenant_id, last_position)",
        "CREATE INDEX todo_reminders_owner_position_idx ON todo_reminders (tenant_id, owner_id, last_position)",
        "CREATE INDEX todo_reminders_due_idx ON todo_reminders (fire_at) WHERE status = 'scheduled'",
        "CREATE INDEX todo_reminders_last_position_idx ON todo_reminders (last_position)",
    ]

    /// The key of reminder `reminder` of todo `todo`.
    static func key(_ todo: String, _ reminder: String) -> ReadKey {
        ReadKey(["todo_id": todo, "reminder_id": reminder])
    }

    var key: ReadKey { Self.key(todoID, reminderID) }
}
