import Domain
import EventStore
import Logging
import PostgresNIO
import Privacy

/// Applies one batch of events in one transaction: the rows and the checkpoint commit together.
enum BatchApplier {
    /// The projection threw while applying (as opposed to the connection failing).
    struct ApplyFailure: Error {
        var underlying: any Error
    }

    /// A message an operator can act on: for a database error, the server's own message and
    /// SQLSTATE (the driver's default description hides them).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState] ?? "?"
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return "database error \(state): \(message)\(detail)"
        }
        return String(describing: error)
    }

    /// Applies `events` to the live tables if the checkpoint still stands at `expected`.
    static func applyLive(
        _ events: [RecordedEvent], projection: any Projection, expected: LogPosition,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> BatchOutcome {
        guard let last = events.last else { return .checkpointMoved }
        do {
            return try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
                guard let checkpoint = try await ProjectionCatalog.checkpoint(of: projection.name, forUpdate: true, on: connection, logger: logger),
                    checkpoint.position == expected, checkpoint.version == projection.version, checkpoint.state == .running
                else { return .checkpointMoved }
                try await apply(events, projection: projection, schema: ProjectionCatalog.liveSchema, on: connection, logger: logger)
                try await ProjectionCatalog.advance(projection.name, to: last, count: events.count, on: connection, logger: logger)
                return .applied(last)
            }
        } catch let failure as ApplyFailure {
            if connection.isClosed { throw failure.underlying }
            return .failed(failure.underlying)
        }
    }

    /// Applies `events` to the tables in `schema` inside the caller's transaction.
    /// - Throws: ``ApplyFailure`` when the projection throws; other errors as they come.
    static func apply(
        _ events: [RecordedEvent], projection: any Projection, schema: String, isRebuilding: Bool = false,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        // Personal fields reach projections in clear (or as the erased marker): read the keys in
        // this transaction, before the search path leaves `public`.
        let revealed: [RecordedEvent]
        do {
            revealed = try await PersonalDataKeys.reveal(events, rules: PersonalFields.all, on: connection, logger: logger)
        } catch {
            throw ApplyFailure(underlying: error)
        }
        try await ProjectionCatalog.setSearchPath(schema, on: connection, logger: logger)
        do {
            try await projection.apply(revealed, in: ProjectionContext(connection: connection, logger: logger, isRebuilding: isRebuilding))
        } catch {
            throw ApplyFailure(underlying: error)
        }
        try await ProjectionCatalog.resetSearchPath(on: connection, logger: logger)
    }

    /// Marks the projection failed at `event`, if its checkpoint still stands at `expected`.
    static func recordFailure(
        of name: String, at event: RecordedEvent, message: String, expected: LogPosition,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let message = String(message.prefix(2_000))
        try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
            _ = try await connection.query(
                """
                UPDATE projection_checkpoints
                SET state = 'failed', failed_transaction_id = \(String(event.transactionID))::xid8,
                    failed_position = \(event.position), failed_event_id = \(event.id), failed_event_type = \(event.type),
                    failed_error = \(message), failed_at = now(), updated_at = now()
                WHERE name = \(name) AND state = 'running'
                  AND transaction_id = \(String(expected.transactionID))::xid8 AND position = \(expected.position)
                """,
                logger: logger
            )
            try await ProjectionCatalog.audit(
                name, action: "failed", detail: "event \(event.id) (\(event.type)) at \(event.logPosition): \(message)",
                on: connection, logger: logger
            )
        }
    }
}
