import EventStore
import Foundation
import Logging
import PostgresNIO

/// Deletes old rows of the change feed (`read_changes`) and moves its pruned mark in the same
/// transaction, so that a replica whose cursor lies below the mark is told `resync_required`
/// instead of silently missing the deleted changes.
public struct ChangeFeedPruner: Sendable {
    /// What one prune did.
    public struct Report: Sendable, Codable, Hashable {
        /// Rows deleted.
        public var deleted: Int64
        /// The new pruned mark (`transaction_id:seq`), or `nil` when nothing was deleted.
        public var prunedThrough: String?
    }

    /// The database.
    public let client: PostgresClient
    /// The logger.
    public let logger: Logger

    /// Creates a pruner.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Deletes the changes recorded more than `age` ago (only committed ones) and advances the mark.
    public func prune(olderThan age: Duration) async throws -> Report {
        let seconds = age.seconds
        return try await client.withTransaction(logger: logger) { connection in
            // One pruner at a time; pulls read the mark in their own snapshot.
            try await connection.query("SELECT 1 FROM read_change_feed FOR UPDATE", logger: logger)
            let rows = try await connection.query(
                """
                WITH gone AS (
                    DELETE FROM read_changes
                    WHERE recorded_at < now() - make_interval(secs => \(seconds))
                      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                    RETURNING transaction_id, seq
                ), mark AS (
                    SELECT transaction_id, seq FROM gone ORDER BY gone.transaction_id DESC, gone.seq DESC LIMIT 1
                ), moved AS (
                    UPDATE read_change_feed SET pruned_transaction_id = mark.transaction_id, pruned_seq = mark.seq, updated_at = now()
                    FROM mark WHERE (mark.transaction_id, mark.seq) > (read_change_feed.pruned_transaction_id, read_change_feed.pruned_seq)
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM gone), (SELECT mark.transaction_id::text || ':' || mark.seq FROM mark), (SELECT count(*) FROM moved)
                """,
                logger: logger
            )
            for try await (deleted, mark, _) in rows.decode((Int64, String?, Int64).self) {
                logger.info("change feed pruned", metadata: ["feed.deleted": "\(deleted)", "feed.pruned_through": "\(mark ?? "-")"])
                return Report(deleted: deleted, prunedThrough: mark)
            }
            return Report(deleted: 0, prunedThrough: nil)
        }
    }
}
