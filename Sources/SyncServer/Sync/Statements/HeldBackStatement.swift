import Domain
import EventStore
import Foundation
import PostgresNIO

/// Whether committed changes of a user wait behind the snapshot's xmin (the gap-free rule holds
/// them back), prepared once per connection. One boolean column.
struct HeldBackStatement: BoundStatement {
    static let name = "tidemark_pull_held_back"
    static let sql = """
        SELECT EXISTS (SELECT 1 FROM read_changes
            WHERE tenant_id = $1::uuid AND user_id = $2::uuid
              AND (transaction_id, seq) > ($3::text::xid8, $4::int8)
              AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot()))
        OR EXISTS (SELECT 1 FROM read_changes
            WHERE tenant_id = $1::uuid AND user_id IS NULL
              AND (transaction_id, seq) > ($3::text::xid8, $4::int8)
              AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot()))
        """

    let bindings: PostgresBindings

    init(tenant: UUID, user: UUID, afterTransaction transaction: UInt64, seq: Int64) {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(tenant)
        bindings.append(user)
        bindings.append(String(transaction))
        bindings.append(seq)
        self.bindings = bindings
    }
}
