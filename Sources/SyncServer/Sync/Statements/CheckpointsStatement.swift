import EventStore
import PostgresNIO

/// Every projection's checkpoint and whether the transaction that last moved it is below the
/// snapshot's xmin, prepared once per connection (pull pages that reach the end of the feed read
/// it to compute `included_seq`). Columns: name, transaction id (text), position, settled.
struct CheckpointsStatement: BoundStatement {
    static let name = "tidemark_pull_checkpoints"
    static let sql = """
        SELECT name, transaction_id::text, position, written_by < pg_snapshot_xmin(pg_current_snapshot()) FROM projection_checkpoints
        """

    let bindings = PostgresBindings()
}
