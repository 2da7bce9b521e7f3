import Domain
import EventStore
import Foundation
import PostgresNIO

/// One page of a user's change feed after a cursor, below the snapshot's xmin (the gap-free rule),
/// prepared once per connection: every incremental pull runs it.
///
/// The user's own rows and the tenant's rows for everyone (`user_id IS NULL`) are each one range
/// of `read_changes_user_idx`, merged in feed order. Columns: transaction id (text), seq, entity, key.
struct ChangesPageStatement: BoundStatement {
    static let name = "tidemark_pull_changes"
    static let sql = """
        SELECT transaction_id::text, seq, entity, key FROM (
            (SELECT transaction_id, seq, entity, key FROM read_changes
             WHERE tenant_id = $1::uuid AND user_id = $2::uuid
               AND (transaction_id, seq) > ($3::text::xid8, $4::int8)
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY transaction_id, seq LIMIT $5::int8)
            UNION ALL
            (SELECT transaction_id, seq, entity, key FROM read_changes
             WHERE tenant_id = $1::uuid AND user_id IS NULL
               AND (transaction_id, seq) > ($3::text::xid8, $4::int8)
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY transaction_id, seq LIMIT $5::int8)
        ) AS changes
        ORDER BY transaction_id, seq LIMIT $5::int8
        """

    let bindings: PostgresBindings

    init(tenant: UUID, user: UUID, afterTransaction transaction: UInt64, seq: Int64, limit: Int) {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(tenant)
        bindings.append(user)
        bindings.append(String(transaction))
        bindings.append(seq)
        bindings.append(Int64(limit))
        self.bindings = bindings
    }
}
