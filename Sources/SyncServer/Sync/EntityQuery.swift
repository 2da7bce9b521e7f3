import SyncProtocol

/// How the rows of one replicated entity are read for a user: the SQL that selects the visible
/// rows as `(key, json)`, filtered to given keys (changes) or paged by key (snapshots).
///
/// `$1` is the tenant, `$2` the user. Visibility lives here: a row the user may not see (another
/// user's, another tenant's, a deleted todo, an unpublished announcement) is simply not selected,
/// so the pull answers a tombstone for it.
struct EntityQuery: Sendable {
    /// The entity.
    var entity: SyncEntity
    /// `SELECT <key text>, <json text> FROM … WHERE <visibility>` without ordering.
    var select: String
    /// The key columns in order (uuid), used for paging; their text joined by `:` is the key.
    var keyColumns: [String]

    /// The text key expression.
    var keyExpression: String {
        keyColumns.map { "\($0)::text" }.joined(separator: " || ':' || ")
    }

    /// The rows whose keys are in `$3` (text[]), compared on the uuid key columns so the primary
    /// key's index serves the lookup.
    var byKeysSQL: String {
        if keyColumns.count == 1 {
            return "\(select) AND \(keyColumns[0]) = ANY($3::text[]::uuid[])"
        }
        let parts = keyColumns.indices.map { "split_part(k, ':', \($0 + 1))::uuid" }.joined(separator: ", ")
        return "\(select) AND (\(keyColumns.joined(separator: ", "))) IN (SELECT \(parts) FROM unnest($3::text[]) AS k)"
    }

    /// The next page of a snapshot: keys after `$3`(, `$4`), at most `$N` rows.
    func pageSQL(after: Bool) -> String {
        let order = keyColumns.joined(separator: ", ")
        guard after else { return "\(select) ORDER BY \(order) LIMIT $3" }
        if keyColumns.count == 1 {
            return "\(select) AND \(keyColumns[0]) > $3::uuid ORDER BY \(order) LIMIT $4"
        }
        return "\(select) AND (\(order)) > ($3::uuid, $4::uuid) ORDER BY \(order) LIMIT $5"
    }

    /// Every replicated entity, in the order a snapshot sends them.
    static let all: [EntityQuery] = [
        EntityQuery(
            entity: .tenant,
            select: """
                SELECT t.tenant_id::text, jsonb_build_object('tenant_id', t.tenant_id, 'name', t.name, 'code', t.code, 'active', t.active)::text
                FROM read.tenants t WHERE t.tenant_id = $1 AND $2::uuid IS NOT NULL
                """,
            keyColumns: ["t.tenant_id"]
        ),
        EntityQuery(
            entity: .profile,
            select: """
                SELECT u.user_id::text, (to_jsonb(u) - 'last_position' || jsonb_build_object('roles', coalesce(
                    (SELECT jsonb_agg(r.role ORDER BY r.role) FROM read.user_roles r WHERE r.user_id = u.user_id AND r.active), '[]'::jsonb)))::text
                FROM read.users u WHERE u.tenant_id = $1 AND u.user_id = $2 AND NOT u.deleted
                """,
            keyColumns: ["u.user_id"]
        ),
        // The bulk of a snapshot: the row is built with `json_build_object` from its columns
        // (every column but last_position, due_day, deleted and deleted_at), which PostgreSQL
        // renders in about 60 % of the time of `to_jsonb(t) - …` (no jsonb value built, copied
        // and re-rendered per row). Same members, same values; only the text's key order and
        // spacing differ. SnapshotRowShapeTests compares it with the table's row.
        EntityQuery(
            entity: .todos,
            select: """
                SELECT t.todo_id::text, json_build_object(
                    'todo_id', t.todo_id, 'tenant_id', t.tenant_id, 'owner_id', t.owner_id, 'title', t.title,
                    'description', t.description, 'priority', t.priority, 'type', t.type, 'personal_data', t.personal_data, 'status', t.status, 'tags', t.tags,
                    'due_at', t.due_at, 'completed_at', t.completed_at, 'cancelled_at', t.cancelled_at,
                    'created_at', t.created_at, 'updated_at', t.updated_at)::text
                FROM read.todos t WHERE t.tenant_id = $1 AND t.owner_id = $2 AND NOT t.deleted
                """,
            keyColumns: ["t.todo_id"]
        ),
        EntityQuery(
            entity: .reminders,
            select: """
                SELECT r.todo_id::text || ':' || r.reminder_id::text, (to_jsonb(r) - 'last_position')::text
                FROM read.todo_reminders r WHERE r.tenant_id = $1 AND r.owner_id = $2
                """,
            keyColumns: ["r.todo_id", "r.reminder_id"]
        ),
        EntityQuery(
            entity: .inbox,
            select: """
                SELECT n.notification_id::text, (to_jsonb(n) - 'receiver_ids' - 'last_position' - 'archived_by'
                    || jsonb_build_object('read_at', rc.read_at, 'archived', rc.archived))::text
                FROM read.notification_receipts rc JOIN read.notifications n ON n.notification_id = rc.notification_id
                WHERE rc.tenant_id = $1 AND rc.receiver_id = $2
                """,
            keyColumns: ["rc.notification_id"]
        ),
        EntityQuery(
            entity: .announcements,
            select: """
                SELECT a.announcement_id::text, (to_jsonb(a) - 'last_position' || jsonb_build_object('read_at',
                    (SELECT ar.read_at FROM read.announcement_reads ar WHERE ar.announcement_id = a.announcement_id AND ar.reader_id = $2)))::text
                FROM read.announcements a WHERE a.tenant_id = $1 AND a.status = 'published'
                """,
            keyColumns: ["a.announcement_id"]
        ),
        EntityQuery(
            entity: .orders,
            select: """
                SELECT o.order_id::text, (to_jsonb(o) - 'last_position' || jsonb_build_object(
                    'items', (SELECT coalesce(jsonb_agg(to_jsonb(i) - 'order_id' - 'tenant_id' - 'last_position' ORDER BY i.line_no), '[]'::jsonb)
                              FROM read.order_items i WHERE i.order_id = o.order_id),
                    'history', (SELECT coalesce(jsonb_agg(to_jsonb(h) - 'order_id' - 'tenant_id' - 'last_position' ORDER BY h.seq), '[]'::jsonb)
                                FROM read.order_status_history h WHERE h.order_id = o.order_id),
                    'refunds', (SELECT coalesce(jsonb_agg(to_jsonb(f) - 'order_id' - 'tenant_id' - 'customer_id' - 'last_position' ORDER BY f.refund_no), '[]'::jsonb)
                                FROM read.order_refunds f WHERE f.order_id = o.order_id),
                    'complaints', (SELECT coalesce(jsonb_agg(to_jsonb(c) - 'order_id' - 'tenant_id' - 'customer_id' - 'last_position' ORDER BY c.complaint_no), '[]'::jsonb)
                                   FROM read.order_complaints c WHERE c.order_id = o.order_id)))::text
                FROM read.orders o WHERE o.tenant_id = $1 AND o.customer_id = $2
                """,
            keyColumns: ["o.order_id"]
        ),
        EntityQuery(
            entity: .devices,
            select: """
                SELECT d.device_id::text, (to_jsonb(d) - 'last_position')::text
                FROM read.devices d WHERE d.tenant_id = $1 AND d.user_id = $2
                """,
            keyColumns: ["d.device_id"]
        ),
    ]
}
