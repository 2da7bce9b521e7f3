import Domain
import Foundation

/// A row of `todos`: one per todo. Deleted todos stay with `deleted = true` (a tombstone for sync)
/// and are restored in place.
struct TodoRow: ReadRow, Equatable {
    /// The todo (a UUID).
    var todoID: String
    /// The tenant.
    var tenantID: String
    /// The owning user.
    var ownerID: String
    /// Title.
    var title: String
    /// Description.
    var description: String
    /// `high`, `medium` or `low`.
    var priority: String
    /// `personal` or `daily`.
    var type: String
    /// Whether the owner marked the title and description as personal data (they read as
    /// `[erased]` once the owner's personal data is erased).
    var personalData: Bool
    /// `open`, `completed` or `cancelled`.
    var status: String
    /// Tags, in the order given.
    var tags: [String]
    /// The due date, if any.
    var dueAt: String?
    /// The UTC calendar day of ``dueAt`` (`yyyy-MM-dd`), the day of `todo_daily_summary`.
    var dueDay: String?
    /// When it was completed, while it is completed.
    var completedAt: String?
    /// When it was cancelled, while it is cancelled.
    var cancelledAt: String?
    /// Whether it is soft-deleted.
    var deleted: Bool
    /// When it was deleted, while it is deleted.
    var deletedAt: String?
    /// When it was created.
    var createdAt: String
    /// When the row last changed.
    var updatedAt: String
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case todoID = "todo_id", tenantID = "tenant_id", ownerID = "owner_id", title, description, priority, type
        case personalData = "personal_data"
        case status, tags, dueAt = "due_at", dueDay = "due_day", completedAt = "completed_at"
        case cancelledAt = "cancelled_at", deleted, deletedAt = "deleted_at", createdAt = "created_at"
        case updatedAt = "updated_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "todos", key: ["todo_id"],
        columns: [
            "todo_id", "tenant_id", "owner_id", "title", "description", "priority", "type", "personal_data", "status", "tags",
            "due_at", "due_day", "completed_at", "cancelled_at", "deleted", "deleted_at", "created_at",
            "updated_at", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE todos (
            todo_id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            owner_id uuid NOT NULL,
            title text NOT NULL,
            description text NOT NULL,
            priority text NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
            type text NOT NULL CHECK (type IN ('personal', 'daily')),
            personal_data boolean NOT NULL DEFAULT false,
            status text NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
            tags text[] NOT NULL,
            due_at timestamptz,
            due_day date,
            completed_at timestamptz,
            cancelled_at timestamptz,
            deleted boolean NOT NULL,
            deleted_at timestamptz,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            CHECK ((due_at IS NULL) = (due_day IS NULL)),
            CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
            CHECK (deleted = (deleted_at IS NOT NULL))
        )
        """,
        "CREATE INDEX todos_tenant_position_idx ON todos (tenant_id, last_position)",
        "CREATE INDEX todos_owner_position_idx ON todos (tenant_id, owner_id, last_position)",
        // The order a snapshot pages a user's todos in: fast with or without statistics.
        "CREATE INDEX todos_owner_key_idx ON todos (tenant_id, owner_id, todo_id) WHERE NOT deleted",
        "CREATE INDEX todos_owner_due_day_idx ON todos (tenant_id, owner_id, due_day) WHERE due_day IS NOT NULL",
        "CREATE INDEX todos_last_position_idx ON todos (last_position)",
    ]

    /// The key of todo `id`.
    static func key(_ id: String) -> ReadKey { ReadKey(["todo_id": id]) }

    var key: ReadKey { Self.key(todoID) }

    /// The UTC calendar day of `date` as `yyyy-MM-dd`.
    static func day(_ date: Date?) -> String? {
        date.map { String(WireDate.string(from: $0).prefix(10)) }
    }

    /// What the row adds to `todo_daily_summary`: its (tenant, owner, day) when it counts as due.
    ///
    /// A todo counts as due on its due day unless it is deleted or cancelled; it counts as
    /// completed when its status is `completed`.
    var summaryContribution: TodoDailySummary.Contribution? {
        guard let dueDay else { return nil }
        return TodoDailySummary.Contribution(
            day: TodoDailySummary.Day(tenantID: tenantID, userID: ownerID, day: dueDay),
            counted: !deleted && status != TodoStatus.cancelled.rawValue,
            completed: status == TodoStatus.completed.rawValue)
    }
}
