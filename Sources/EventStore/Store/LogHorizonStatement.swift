import PostgresNIO

/// The newest event every reader may see (below the oldest running transaction), by a backward
/// scan of the primary key; prepared once per connection. Columns: transaction id (text), position.
struct LogHorizonStatement: BoundStatement {
    static let name = "tidemark_log_horizon"
    static let sql = """
        SELECT transaction_id::text, position FROM events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1
        """

    let bindings = PostgresBindings()
}
