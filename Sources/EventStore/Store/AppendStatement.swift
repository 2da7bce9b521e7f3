import Logging
import PostgresNIO

/// The append hot path: one `INSERT … SELECT` that checks the expected version and writes the batch.
///
/// The statement reads the stream's current version through the `(stream, stream_version)` unique
/// index, filters on the expectation, and inserts every event with consecutive versions. Two writers
/// racing for the same version collide on that unique index; the loser gets a unique violation.
enum AppendStatement {
    /// Whether the stream's last event was written by a transaction younger than the current one.
    ///
    /// Only possible inside a multi-statement transaction: its id was assigned at its first write,
    /// and a younger transaction may have committed to the stream since. Appending would put the
    /// new event before its predecessor in log order, so such an append is refused instead.
    static func headIsYounger(stream: StreamName, connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT transaction_id > pg_current_xact_id() FROM events
            WHERE stream = \(stream.rawValue) ORDER BY stream_version DESC LIMIT 1
            """,
            logger: logger
        )
        for try await younger in rows.decode(Bool.self) { return younger }
        return false
    }

    /// The outcome of running the statement once.
    enum Outcome {
        /// Rows were written: `(position, streamVersion, transactionID)` in stream order.
        case written([(Int64, Int64, UInt64)])
        /// The expectation did not hold; nothing was written.
        case expectationFailed
        /// A unique constraint fired: another writer took the version, or an event id exists.
        case uniqueViolation(eventIDTaken: Bool)
    }

    static func query(stream: StreamName, expected: ExpectedVersion, batch: PreparedBatch) -> PostgresQuery {
        let name = stream.rawValue
        return """
        INSERT INTO events (event_id, stream, stream_version, tenant_id, type, schema_version, data, metadata)
        SELECT e.event_id, \(name), coalesce(head.v, 0) + e.ord, NULLIF(e.tenant_id, ''), e.type, e.schema_version, e.data::jsonb, e.metadata::jsonb
        FROM (SELECT 1) AS one
             LEFT JOIN LATERAL (
                 SELECT stream_version AS v, transaction_id AS t FROM events
                 WHERE stream = \(name) ORDER BY stream_version DESC LIMIT 1
             ) AS head ON true,
             unnest(\(batch.ids)::uuid[], \(batch.tenants)::text[], \(batch.types)::text[], \(batch.schemaVersions)::int4[], \(batch.data)::text[], \(batch.metadata)::text[])
               WITH ORDINALITY AS e(event_id, tenant_id, type, schema_version, data, metadata, ord)
        WHERE CASE \(expected.mode)::int4
                WHEN 0 THEN true
                WHEN 1 THEN head.v IS NULL
                WHEN 2 THEN coalesce(head.v, 0) = \(expected.exactVersion)::int8
                ELSE head.v IS NOT NULL END
          -- Keep each stream in log order: never append after an event of a younger transaction.
          AND (head.t IS NULL OR head.t <= pg_current_xact_id())
        RETURNING position, stream_version, transaction_id::text
        """
    }

    /// Runs the statement on a connection (inside a transaction) or, with `connection == nil`, on the pool.
    static func run(
        client: PostgresClient,
        connection: PostgresConnection?,
        stream: StreamName,
        expected: ExpectedVersion,
        batch: PreparedBatch,
        logger: Logger
    ) async throws -> Outcome {
        let query = query(stream: stream, expected: expected, batch: batch)
        do {
            let rows: PostgresRowSequence
            if let connection {
                rows = try await connection.query(query, logger: logger)
            } else {
                rows = try await client.query(query, logger: logger)
            }
            var written: [(Int64, Int64, UInt64)] = []
            written.reserveCapacity(batch.count)
            for try await (position, version, transaction) in rows.decode((Int64, Int64, String).self) {
                written.append((position, version, UInt64(transaction) ?? 0))
            }
            if written.isEmpty { return .expectationFailed }
            written.sort { $0.1 < $1.1 }
            return .written(written)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            return .uniqueViolation(eventIDTaken: error.serverInfo?[.constraintName] == "events_event_id_key")
        }
    }
}
