import Foundation
import PostgresNIO

/// The `todo_daily_summary` table: per tenant, user and UTC day, how many todos are due and how
/// many of them are completed.
///
/// Rows are never folded event by event: at the end of each batch the projection recomputes the
/// (tenant, user, day) rows the batch affected from `todos` in one statement, and deletes the rows
/// whose count of due todos dropped to zero. Deleted and cancelled todos are not due.
enum TodoDailySummary {
    /// One (tenant, user, day) row's key.
    struct Day: Hashable, Sendable {
        /// The tenant.
        var tenantID: String
        /// The todo owner.
        var userID: String
        /// The UTC day, `yyyy-MM-dd`.
        var day: String
    }

    /// What one todo adds to its day.
    struct Contribution: Hashable, Sendable {
        /// The day the todo is due.
        var day: Day
        /// Whether it counts as due (neither deleted nor cancelled).
        var counted: Bool
        /// Whether it is completed.
        var completed: Bool
    }

    /// An affected day with the position of the last event that affected it.
    private struct Affected: Encodable {
        let tenantID: String
        let userID: String
        let day: String
        let lastPosition: Int64

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id", userID = "user_id", day, lastPosition = "last_position"
        }
    }

    static let table = ReadTable(
        name: "todo_daily_summary", key: ["tenant_id", "user_id", "day"],
        columns: ["tenant_id", "user_id", "day", "tasks_due", "completed", "completion_rate", "last_position"])

    static let schema = [
        """
        CREATE TABLE todo_daily_summary (
            tenant_id uuid NOT NULL,
            user_id uuid NOT NULL,
            day date NOT NULL,
            tasks_due integer NOT NULL CHECK (tasks_due > 0),
            completed integer NOT NULL CHECK (completed BETWEEN 0 AND tasks_due),
            completion_rate numeric(5, 4) NOT NULL CHECK (completion_rate BETWEEN 0 AND 1),
            last_position bigint NOT NULL,
            PRIMARY KEY (tenant_id, user_id, day)
        )
        """,
        "CREATE INDEX todo_daily_summary_tenant_day_idx ON todo_daily_summary (tenant_id, day)",
        "CREATE INDEX todo_daily_summary_last_position_idx ON todo_daily_summary (last_position)",
    ]

    /// Recomputes `days` (each with the position of the last event that affected it) from `todos`
    /// in one statement: upserts the days that still have due todos and deletes the others.
    static func recompute(_ days: [Day: Int64], in context: ProjectionContext) async throws {
        guard !days.isEmpty else { return }
        let affected = days.map { Affected(tenantID: $0.key.tenantID, userID: $0.key.userID, day: $0.key.day, lastPosition: $0.value) }
        let json = String(decoding: try JSONEncoder().encode(affected), as: UTF8.self)
        var binds = PostgresBindings(capacity: 1)
        binds.append(json)
        try await context.execute(PostgresQuery(unsafeSQL: recomputeSQL, binds: binds))
    }

    /// Replaces the whole table with counts over `todos` (end of a rebuild). A row's `last_position`
    /// is then the newest `last_position` among the todos it counts.
    static func rebuildAll(in context: ProjectionContext) async throws {
        try await context.execute("DELETE FROM todo_daily_summary")
        try await context.execute(
            """
            INSERT INTO todo_daily_summary (tenant_id, user_id, day, tasks_due, completed, completion_rate, last_position)
            SELECT tenant_id, owner_id, due_day, count(*)::integer,
                   (count(*) FILTER (WHERE status = 'completed'))::integer,
                   round((count(*) FILTER (WHERE status = 'completed'))::numeric / count(*), 4),
                   max(last_position)
            FROM todos
            WHERE due_day IS NOT NULL AND NOT deleted AND status <> 'cancelled'
            GROUP BY tenant_id, owner_id, due_day
            """
        )
    }

    private static let recomputeSQL = """
        WITH affected AS (
            SELECT tenant_id, user_id, day, max(last_position) AS last_position
            FROM jsonb_to_recordset($1::jsonb) AS a(tenant_id uuid, user_id uuid, day date, last_position bigint)
            GROUP BY tenant_id, user_id, day
        ), counts AS (
            SELECT a.tenant_id, a.user_id, a.day, a.last_position,
                   count(t.todo_id)::integer AS tasks_due,
                   (count(t.todo_id) FILTER (WHERE t.status = 'completed'))::integer AS completed
            FROM affected AS a
            LEFT JOIN todos AS t
              ON t.tenant_id = a.tenant_id AND t.owner_id = a.user_id AND t.due_day = a.day
             AND NOT t.deleted AND t.status <> 'cancelled'
            GROUP BY a.tenant_id, a.user_id, a.day, a.last_position
        ), removed AS (
            DELETE FROM todo_daily_summary AS s
            USING counts AS c
            WHERE c.tasks_due = 0 AND s.tenant_id = c.tenant_id AND s.user_id = c.user_id AND s.day = c.day
        )
        INSERT INTO todo_daily_summary (tenant_id, user_id, day, tasks_due, completed, completion_rate, last_position)
        SELECT tenant_id, user_id, day, tasks_due, completed, round(completed::numeric / tasks_due, 4), last_position
        FROM counts
        WHERE tasks_due > 0
        ON CONFLICT (tenant_id, user_id, day) DO UPDATE SET
            tasks_due = EXCLUDED.tasks_due,
            completed = EXCLUDED.completed,
            completion_rate = EXCLUDED.completion_rate,
            last_position = EXCLUDED.last_position
        """
}
