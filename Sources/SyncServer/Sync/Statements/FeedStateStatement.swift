import EventStore
import PostgresNIO

/// The change feed's epoch and pruned mark, the snapshot's xmin and the node's WAL position,
/// prepared once per connection: the first statement of every pull page's transaction (it takes
/// the snapshot before the functions run, so the WAL position is at or past everything the
/// snapshot sees). Columns: epoch, pruned transaction id (text), pruned seq, xmin (text), WAL
/// position (text, `NULL` when unknown).
struct FeedStateStatement: BoundStatement {
    static let name = "tidemark_pull_feed_state"
    static let sql = """
        SELECT epoch, pruned_transaction_id::text, pruned_seq, pg_snapshot_xmin(pg_current_snapshot())::text, \(WALPosition.currentSQL)
        FROM read_change_feed
        """

    let bindings = PostgresBindings()
}
