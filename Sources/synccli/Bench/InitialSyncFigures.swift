/// The figures of `synccli bench sync`'s initial sync (its `initial_sync_*` JSON keys): the wall
/// time into a fresh replica, its breakdown, and two baselines on the same rows.
///
/// The breakdown is summed over the pages of the sync (``SyncReport/pullTimings``): the server's
/// query and encoding times come from its `Server-Timing` header, transfer is the rest of each
/// round trip, decoding and writing are measured in the client. The next page is fetched while
/// the previous one is written, so the parts overlap and may add up to more than `initial_sync_s`.
struct InitialSyncFigures: Codable, Sendable {
    var initial_sync_rows: Int
    /// Wall time of `SyncClient.sync()` into a fresh replica file.
    var initial_sync_s: Double
    /// Baseline: a plain `SELECT` of the same rows as JSON text from PostgreSQL.
    var initial_sync_raw_select_s: Double
    /// Baseline: SQLite's own bulk insert of the same rows (key and JSON text, one transaction,
    /// one prepared statement) into a fresh file with a plain two-column table.
    var initial_sync_sqlite_bulk_s: Double
    /// Pull pages the sync took.
    var initial_sync_pages: Int
    /// Rows asked for by the first page (the client's `pullLimit`).
    var initial_sync_pull_limit: Int
    /// The most rows per page while more is waiting (the client's `catchUpPullLimit`).
    var initial_sync_catch_up_pull_limit: Int
    /// Whether each page was committed with a full fsync (the client's `durablePullPages`).
    var initial_sync_durable_pull_pages: Bool
    var initial_sync_server_query_s: Double
    var initial_sync_encode_s: Double
    var initial_sync_transfer_s: Double
    var initial_sync_decode_s: Double
    var initial_sync_write_s: Double

    /// Every figure 0 (`--only hot-stream`).
    static let zero = InitialSyncFigures(
        initial_sync_rows: 0, initial_sync_s: 0, initial_sync_raw_select_s: 0, initial_sync_sqlite_bulk_s: 0, initial_sync_pages: 0,
        initial_sync_pull_limit: 0, initial_sync_catch_up_pull_limit: 0, initial_sync_durable_pull_pages: false, initial_sync_server_query_s: 0,
        initial_sync_encode_s: 0, initial_sync_transfer_s: 0, initial_sync_decode_s: 0, initial_sync_write_s: 0)
}
