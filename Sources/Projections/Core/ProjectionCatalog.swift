import EventStore
import Foundation
import Logging
import PostgresNIO

/// Reads and writes the projections' bookkeeping rows (`projection_checkpoints`, `projection_audit`).
///
/// Every function runs on a connection given by the caller, so it joins the caller's transaction.
enum ProjectionCatalog {
    /// The schema of the live read tables.
    static let liveSchema = "read"

    /// The schema a rebuild of `name` fills.
    static func shadowSchema(of name: String) -> String { "read_next_\(name)" }

    static let selectColumns = """
        name, version, tables, transaction_id::text, position, state, events_applied, last_event_at, last_applied_at,
        failed_transaction_id::text, failed_position, failed_event_id, failed_event_type, failed_error, failed_at
        """

    /// The checkpoint of `name`, optionally locking its row until the transaction ends.
    static func checkpoint(of name: String, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> ProjectionCheckpoint? {
        let query: PostgresQuery =
            forUpdate
            ? "SELECT \(unescaped: selectColumns) FROM projection_checkpoints WHERE name = \(name) FOR UPDATE"
            : "SELECT \(unescaped: selectColumns) FROM projection_checkpoints WHERE name = \(name)"
        return try await decode(try await connection.query(query, logger: logger)).first
    }

    /// Every checkpoint, by name.
    static func checkpoints(on connection: PostgresConnection, logger: Logger) async throws -> [String: ProjectionCheckpoint] {
        let rows = try await connection.query("SELECT \(unescaped: selectColumns) FROM projection_checkpoints", logger: logger)
        return Dictionary(uniqueKeysWithValues: try await decode(rows).map { ($0.name, $0) })
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [ProjectionCheckpoint] {
        var result: [ProjectionCheckpoint] = []
        for try await row in rows {
            let (name, version, tables, tx, position, state, applied, lastEventAt, lastAppliedAt) =
                try row.decode((String, Int32, [String], String, Int64, String, Int64, Date?, Date?).self, context: .default)
            let columns = row.makeRandomAccess()
            let failedTx = try columns[9].decode(String?.self)
            let failedPosition = try columns[10].decode(Int64?.self)
            let failure: ProjectionFailure? =
                if let failedTx, let failedPosition {
                    ProjectionFailure(
                        position: LogPosition(transactionID: UInt64(failedTx) ?? 0, position: failedPosition),
                        eventID: try columns[11].decode(UUID?.self),
                        eventType: try columns[12].decode(String?.self) ?? "",
                        error: try columns[13].decode(String?.self) ?? "",
                        at: try columns[14].decode(Date?.self) ?? Date()
                    )
                } else {
                    nil
                }
            result.append(
                ProjectionCheckpoint(
                    name: name,
                    version: Int(version),
                    tables: tables,
                    position: LogPosition(transactionID: UInt64(tx) ?? 0, position: position),
                    state: ProjectionCheckpoint.State(rawValue: state) ?? .failed,
                    eventsApplied: applied,
                    lastEventAt: lastEventAt,
                    lastAppliedAt: lastAppliedAt,
                    failure: failure
                ))
        }
        return result
    }

    /// Creates `projection`'s tables in `schema` (which must exist), inside the caller's transaction;
    /// for a rebuild, without the indexes the projection lets it build later.
    static func createTables(
        of projection: any Projection, in schema: String, forRebuild: Bool = false, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await setSearchPath(schema, on: connection, logger: logger)
        for statement in forRebuild ? projection.rebuildSchemaStatements : projection.schema {
            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }

    /// Runs `projection`'s live-only statements on the `read` tables, inside the caller's
    /// transaction; when the tables were just created or replaced, also moves the change feed to a
    /// new epoch so that every replica's cursor answers `resync_required`.
    static func goLive(_ projection: any Projection, newTables: Bool, on connection: PostgresConnection, logger: Logger) async throws {
        try await setSearchPath(liveSchema, on: connection, logger: logger)
        for statement in projection.liveStatements {
            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await resetSearchPath(on: connection, logger: logger)
        if newTables {
            _ = try await connection.query("UPDATE read_change_feed SET epoch = epoch + 1, updated_at = now()", logger: logger)
        }
    }

    /// Points the transaction's `search_path` at one schema (a fixed identifier checked here), in
    /// UTC, in one round trip.
    static func setSearchPath(_ schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        precondition(ReadTable.isIdentifier(schema), "schema names are fixed identifiers")
        _ = try await connection.query(
            "SELECT set_config('search_path', \(schema), true), set_config('TimeZone', 'UTC', true)", logger: logger
        )
    }

    /// Points the transaction's `search_path` back at `public`, where the bookkeeping tables are.
    static func resetSearchPath(on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.query("SELECT set_config('search_path', 'public', true)", logger: logger)
    }

    /// `SET` assignments that clear a recorded failure, for `UPDATE projection_checkpoints`.
    static let clearedFailure = """
        failed_transaction_id = NULL, failed_position = NULL, failed_event_id = NULL,
        failed_event_type = NULL, failed_error = NULL, failed_at = NULL
        """

    /// Stores that a batch ending at `last` was applied.
    static func advance(_ name: String, to last: RecordedEvent, count: Int, on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.query(
            """
            UPDATE projection_checkpoints
            SET transaction_id = \(String(last.transactionID))::xid8, position = \(last.position),
                events_applied = events_applied + \(Int64(count)), last_event_at = \(last.recordedAt),
                last_applied_at = now(), updated_at = now()
            WHERE name = \(name)
            """,
            logger: logger
        )
    }

    /// Moves the checkpoint from `expected` to `position` without applying anything: the runner
    /// read the log up to there and found no event its projection reads.
    /// - Returns: `false` when the checkpoint no longer stands at `expected` (an operator moved it).
    static func skip(
        _ name: String, from expected: LogPosition, to position: LogPosition, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE projection_checkpoints
            SET transaction_id = \(String(position.transactionID))::xid8, position = \(position.position), updated_at = now()
            WHERE name = \(name) AND state = 'running'
              AND transaction_id = \(String(expected.transactionID))::xid8 AND position = \(expected.position)
            RETURNING 1
            """,
            logger: logger
        )
        var updated = false
        for try await _ in rows.decode(Int32.self) { updated = true }
        return updated
    }

    /// Records an operator action or a notable runner decision.
    static func audit(_ name: String, action: String, detail: String, on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.query(
            "INSERT INTO projection_audit (name, action, detail) VALUES (\(name), \(action), \(detail))", logger: logger
        )
    }

    /// Runs `body` between `BEGIN` and `COMMIT` on `connection`; rolls back when it throws.
    static func inTransaction<Result: Sendable>(
        on connection: PostgresConnection, logger: Logger, _ body: () async throws -> Result
    ) async throws -> Result {
        _ = try await connection.query("BEGIN", logger: logger)
        do {
            let result = try await body()
            _ = try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
            throw error
        }
    }
}
