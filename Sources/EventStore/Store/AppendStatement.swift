import Logging
import PostgresNIO

/// The append hot path: one `INSERT … SELECT` that checks the expected version and writes the batch.
///
/// The statement reads the stream's number and current version (``AppendSQL/head(of:)``), filters
/// on the expectation, and inserts every event with consecutive versions. Two writers racing for the
/// same version collide on `events_stream_version_key` (`(stream_id, stream_version)`), two writers
/// creating the same stream on `events_stream_first_key` (its name); the loser gets a unique violation.
enum AppendStatement {
    /// Whether the stream's last event was written by a transaction younger than the current one.
    ///
    /// Only possible inside a multi-statement transaction: its id was assigned at its first write,
    /// and a younger transaction may have committed to the stream since. Appending would put the
    /// new event before its predecessor in log order, so such an append is refused instead.
    static func headIsYounger(stream: StreamName, connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(AppendSQL.headQuery("t > pg_current_xact_id()", of: stream), logger: logger)
        for try await younger in rows.decode(Bool.self) { return younger }
        return false
    }

    /// The outcome of running the statement once.
    enum Outcome {
        /// The events were written.
        case written(AppendResult)
        /// The expectation did not hold; nothing was written.
        case expectationFailed
        /// A unique constraint fired: another writer took the version, or an event id exists.
        case uniqueViolation(eventIDTaken: Bool)
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
        do {
            let written: (positions: [Int64], version: Int64, transaction: String)
            if batch.count == 1 {
                let rows = try await execute(
                    AppendOneStatement(
                        id: batch.ids[0], stream: stream.rawValue, tenant: batch.tenants[0], type: batch.types[0],
                        schemaVersion: batch.schemaVersions[0], data: batch.data[0], metadata: batch.metadata[0],
                        mode: expected.mode, exactVersion: expected.exactVersion
                    ), client: client, connection: connection, logger: logger)
                guard let row = rows.first else { return .expectationFailed }
                written = ([row.0], row.1, row.2)
            } else {
                let rows = try await execute(
                    AppendBatchStatement(
                        stream: stream.rawValue, batch: batch, mode: expected.mode, exactVersion: expected.exactVersion
                    ), client: client, connection: connection, logger: logger)
                guard let row = rows.first, let positions = row.positions, let version = row.version, let transaction = row.transaction,
                    positions.count == batch.count
                else { return .expectationFailed }
                written = (positions, version, transaction)
            }
            return .written(
                AppendResult(
                    stream: stream,
                    positions: written.positions,
                    streamVersion: written.version,
                    transactionID: UInt64(written.transaction) ?? 0,
                    wasAlreadyStored: false
                ))
        } catch let error as PSQLError where error.sqlState == .uniqueViolation {
            return .uniqueViolation(eventIDTaken: error.serverInfo?[.constraintName] == "events_event_id_key")
        }
    }

    /// Runs a prepared statement on the transaction's connection, or on the pool, and collects its rows.
    private static func execute<Statement: PostgresPreparedStatement>(
        _ statement: Statement, client: PostgresClient, connection: PostgresConnection?, logger: Logger
    ) async throws -> [Statement.Row] {
        var rows: [Statement.Row] = []
        if let connection {
            for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
        } else {
            for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
        }
        return rows
    }
}
