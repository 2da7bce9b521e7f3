import Foundation
import PostgresNIO

extension EventStore {
    /// The log's head, its safe (gap-free) position and the transactions that hold readers back.
    ///
    /// - Parameter stallThreshold: An open transaction older than this, while events wait behind the
    ///   horizon, marks the log as ``LogStatus/stalled``.
    public func status(stallThreshold: Duration = .seconds(10)) async throws(EventStoreError) -> LogStatus {
        do {
            let summary = try await client.query(
                """
                WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
                SELECT
                    -- The newest event is among the last 1,000 positions the sequence handed out:
                    -- look there first, and scan the whole table only when nothing is found. The
                    -- bound is a sub-select so that it is computed once, not once per row.
                    coalesce(
                        (SELECT max(position) FROM events
                         WHERE position > (SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'position')::regclass), 0) - 1000)),
                        (SELECT max(position) FROM events), 0),
                    (SELECT min(position) FROM events, h WHERE transaction_id >= h.xmin),
                    (SELECT count(*) FROM events, h WHERE transaction_id >= h.xmin),
                    (SELECT xmin::text FROM h)
                """,
                logger: logger
            )
            var head: Int64 = 0
            var firstUnsafe: Int64?
            var behind: Int64 = 0
            var horizon = "0"
            for try await (h, unsafe, count, xmin) in summary.decode((Int64, Int64?, Int64, String).self) {
                head = h
                firstUnsafe = unsafe
                behind = count
                horizon = xmin
            }
            var open: [LogStatus.OpenTransaction] = []
            let activity = try await client.query(
                """
                SELECT pid, datname::text, usename::text, application_name, state, backend_xid::text,
                       extract(epoch FROM now() - xact_start)::float8, left(query, 200)
                FROM pg_stat_activity
                WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
                ORDER BY age(backend_xid) DESC
                LIMIT 5
                """,
                logger: logger
            )
            for try await (pid, database, user, application, state, xid, age, query) in activity.decode(
                (Int32, String?, String?, String?, String?, String, Double?, String?).self
            ) {
                open.append(
                    .init(
                        pid: pid, database: database, user: user, application: application, state: state,
                        transactionID: xid, ageSeconds: age ?? 0, query: query))
            }
            let prepared = try await client.query(
                """
                SELECT gid, database::text, owner::text, transaction::text, extract(epoch FROM now() - prepared)::float8
                FROM pg_prepared_xacts ORDER BY prepared LIMIT 5
                """,
                logger: logger
            )
            for try await (gid, database, owner, xid, age) in prepared.decode((String, String?, String?, String, Double).self) {
                open.append(
                    .init(
                        pid: nil, database: database, user: owner, application: "prepared: \(gid)", state: "prepared",
                        transactionID: xid, ageSeconds: age, query: nil))
            }
            open.sort { $0.ageSeconds > $1.ageSeconds }
            let threshold = stallThreshold.seconds
            let safe = firstUnsafe.map { $0 - 1 } ?? head
            let stalled = behind > 0 && (open.first?.ageSeconds ?? 0) >= threshold
            return LogStatus(
                head: head, safePosition: safe, eventsBehindHorizon: behind, horizonTransactionID: horizon,
                openTransactions: Array(open.prefix(5)), stalled: stalled, stallThresholdSeconds: threshold
            )
        } catch {
            throw EventStoreError.database(error, while: "reading the log status")
        }
    }
}
