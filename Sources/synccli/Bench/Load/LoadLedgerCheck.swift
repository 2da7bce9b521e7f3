import Logging
import PostgresNIO

/// The end-of-run check of a load test against the event log: every mutation the server answered
/// as applied has its events at the positions the answer named, and no mutation was applied twice.
///
/// Each pushed mutation's events carry its command idempotency key in `metadata->>'mutation'`, and
/// the command log admits each key once, so a mutation's events come from one command in one
/// transaction.
enum LoadLedgerCheck {
    /// `lost`: answered mutations with a named position that holds no event of that key.
    /// `duplicated`: mutations whose events come from more than one transaction, or answered ones
    /// with an event at a position their answer did not name (a rejection, or an effect that held
    /// already, names none).
    static func verify(_ entries: [LoadLedgerEntry], client: PostgresClient, logger: Logger) async throws -> (lost: Int, duplicated: Int) {
        let keys = entries.map(\.key)
        let answered = entries.map { $0.positions != nil }
        let expectedKeys = entries.flatMap { entry in (entry.positions ?? []).map { _ in entry.key } }
        let expectedPositions = entries.flatMap { $0.positions ?? [] }
        let rows = try await client.query(
            """
            WITH sent AS (
                SELECT key, answered FROM unnest(\(keys)::text[], \(answered)::bool[]) AS s(key, answered)
            ), expected AS (
                SELECT key, position FROM unnest(\(expectedKeys)::text[], \(expectedPositions)::int8[]) AS x(key, position)
            ), logged AS MATERIALIZED (
                SELECT s.key, s.answered, e.position, e.transaction_id
                FROM sent s JOIN events e ON e.metadata->>'mutation' = s.key
            ), checked AS (
                SELECT l.key, l.answered, l.transaction_id, x.position IS NOT NULL AS named
                FROM logged l LEFT JOIN expected x ON x.key = l.key AND x.position = l.position
            )
            SELECT
                (SELECT count(DISTINCT x.key) FROM expected x LEFT JOIN logged l ON l.key = x.key AND l.position = x.position
                  WHERE l.key IS NULL),
                (SELECT count(*) FROM (
                    SELECT key FROM checked GROUP BY key, answered
                    HAVING count(DISTINCT transaction_id) > 1 OR (answered AND bool_or(NOT named))
                 ) AS d)
            """,
            logger: logger
        )
        for try await (lost, duplicated) in rows.decode((Int64, Int64).self) { return (Int(lost), Int(duplicated)) }
        return (0, 0)
    }
}
