import EventStore
import Foundation
import Logging
import PostgresNIO

/// The operator's verbs on projections: status, reset, retry and skip.
///
/// Every verb runs in one transaction that locks the projection's checkpoint row, so it cannot
/// interleave with a batch of the live runner, and records what it did in `projection_audit`.
public struct ProjectionAdmin: Sendable {
    let projections: [any Projection]
    let client: PostgresClient
    let logger: Logger

    /// Creates the admin over the projections this code knows.
    public init(projections: [any Projection], client: PostgresClient, logger: Logger) {
        self.projections = projections
        self.client = client
        self.logger = logger
    }

    /// The projection called `name`.
    /// - Throws: ``ProjectionError`` `unknownProjection`, listing the known names.
    public func projection(named name: String) throws(ProjectionError) -> any Projection {
        guard let projection = projections.first(where: { $0.name == name }) else {
            throw ProjectionError(.unknownProjection, "no projection is called '\(name)'; known: \(projections.map(\.name).joined(separator: ", "))")
        }
        return projection
    }

    /// The status of every projection (or of `name` only).
    public func status(of name: String? = nil) async throws(ProjectionError) -> [ProjectionStatus] {
        var selected = projections
        if let name { selected = [try projection(named: name)] }
        do {
            return try await client.withConnection { connection in
                let checkpoints = try await ProjectionCatalog.checkpoints(on: connection, logger: logger)
                let head = try await Self.head(on: connection, logger: logger)
                var rebuilds: [String: ProjectionStatus.Rebuild] = [:]
                let rows = try await connection.query(
                    "SELECT name, version, transaction_id::text, position, events_applied, started_at FROM projection_rebuilds", logger: logger
                )
                var rebuildRows: [(String, Int32, String, Int64, Int64, Date)] = []
                for try await row in rows.decode((String, Int32, String, Int64, Int64, Date).self) { rebuildRows.append(row) }
                for (rebuildName, version, tx, position, applied, startedAt) in rebuildRows {
                    let active = try await ProjectionLease.holder(of: rebuildName, purpose: .rebuild, on: connection, logger: logger) != nil
                    let types = projections.first { $0.name == rebuildName }?.eventTypes
                    let shadow = LogPosition(transactionID: UInt64(tx) ?? 0, position: position)
                    let (left, _) = try await Self.lag(after: shadow, types: types, on: connection, logger: logger)
                    rebuilds[rebuildName] = ProjectionStatus.Rebuild(
                        version: Int(version), position: "\(tx)/\(position)", eventsApplied: applied, lagEvents: left, startedAt: startedAt,
                        active: active
                    )
                }
                var result: [ProjectionStatus] = []
                for projection in selected {
                    let checkpoint = checkpoints[projection.name]
                    let position = checkpoint?.position ?? .start
                    let (lagEvents, oldest) = try await Self.lag(after: position, types: projection.eventTypes, on: connection, logger: logger)
                    let holder = try await ProjectionLease.holder(of: projection.name, purpose: .live, on: connection, logger: logger)
                    let state: String =
                        switch checkpoint {
                        case nil: "not_started"
                        case let checkpoint? where checkpoint.version != projection.version: "outdated"
                        case let checkpoint?: checkpoint.state.rawValue
                        }
                    result.append(
                        ProjectionStatus(
                            name: projection.name,
                            codeVersion: projection.version,
                            liveVersion: checkpoint?.version,
                            state: state,
                            position: position.description,
                            head: head.description,
                            lagEvents: lagEvents,
                            lagSeconds: oldest.map { max(0, Date().timeIntervalSince($0)) } ?? 0,
                            eventsApplied: checkpoint?.eventsApplied ?? 0,
                            lastAppliedAt: checkpoint?.lastAppliedAt,
                            failure: checkpoint?.failure,
                            runner: holder.map { "\($0.application) (pid \($0.pid))" },
                            rebuild: rebuilds[projection.name]
                        ))
                }
                return result
            }
        } catch {
            throw ProjectionError.database(error, while: "reading projection status")
        }
    }

    /// Clears a failure so the runner tries the failed event again.
    /// - Throws: `invalidState` when the projection has not failed.
    public func retry(_ name: String) async throws(ProjectionError) {
        _ = try projection(named: name)
        try await withCheckpoint(name) { checkpoint, connection in
            guard checkpoint.state == .failed, let failure = checkpoint.failure else {
                throw ProjectionError(.invalidState, "'\(name)' has not failed; nothing to retry")
            }
            _ = try await connection.query(
                """
                UPDATE projection_checkpoints SET state = 'running', \(unescaped: ProjectionCatalog.clearedFailure), updated_at = now()
                WHERE name = \(name)
                """,
                logger: logger
            )
            try await ProjectionCatalog.audit(
                name, action: "retry", detail: "event \(failure.eventType) at \(failure.position)", on: connection, logger: logger)
        }
    }

    /// Skips the event that stopped the projection and lets it go on after it.
    /// - Returns: The skipped event.
    /// - Throws: `invalidState` when the projection has not failed.
    @discardableResult
    public func skip(_ name: String) async throws(ProjectionError) -> ProjectionFailure {
        _ = try projection(named: name)
        return try await withCheckpoint(name) { checkpoint, connection in
            guard checkpoint.state == .failed, let failure = checkpoint.failure else {
                throw ProjectionError(.invalidState, "'\(name)' has not failed; nothing to skip")
            }
            _ = try await connection.query(
                """
                UPDATE projection_checkpoints SET state = 'running',
                    transaction_id = \(String(failure.position.transactionID))::xid8, position = \(failure.position.position),
                    \(unescaped: ProjectionCatalog.clearedFailure), updated_at = now()
                WHERE name = \(name)
                """,
                logger: logger
            )
            try await ProjectionCatalog.audit(
                name, action: "skip",
                detail: "skipped event \(failure.eventID?.uuidString ?? "?") (\(failure.eventType)) at \(failure.position): \(failure.error)",
                on: connection, logger: logger
            )
            return failure
        }
    }

    /// Empties the live tables and sets the checkpoint to the start of the log, in one transaction;
    /// the runner then rebuilds them in place. Readers see empty tables until it catches up: use
    /// ``ProjectionRebuilder`` to rebuild without that gap.
    public func reset(_ name: String) async throws(ProjectionError) {
        let projection = try projection(named: name)
        do {
            try await client.withConnection { connection in
                try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
                    _ = try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(ProjectionLease.Purpose.catalog.rawValue), hashtext(\(name)))", logger: logger)
                    let live = try await ProjectionCatalog.checkpoint(of: name, forUpdate: true, on: connection, logger: logger)
                    for table in live?.tables ?? [] where ReadTable.isIdentifier(table) {
                        _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS read.\(table) CASCADE"), logger: logger)
                    }
                    try await ProjectionCatalog.createTables(of: projection, in: ProjectionCatalog.liveSchema, on: connection, logger: logger)
                    try await ProjectionCatalog.goLive(projection, newTables: true, on: connection, logger: logger)
                    try await AnalystGrants.grantAll(tables: projection.tables.map(\.name), on: connection, logger: logger)
                    _ = try await connection.query(
                        """
                        INSERT INTO projection_checkpoints (name, version, tables) VALUES (\(name), \(Int32(projection.version)), \(projection.tables.map(\.name)))
                        ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, tables = EXCLUDED.tables, transaction_id = '0',
                            position = 0, state = 'running', events_applied = 0, last_event_at = NULL, last_applied_at = NULL,
                            \(unescaped: ProjectionCatalog.clearedFailure), updated_at = now()
                        """,
                        logger: logger
                    )
                    try await ProjectionCatalog.audit(
                        name, action: "reset", detail: "version \(projection.version), from the start of the log", on: connection, logger: logger)
                }
            }
        } catch {
            throw ProjectionError.database(error, while: "resetting '\(name)'")
        }
    }

    private func withCheckpoint<Result: Sendable>(
        _ name: String, _ body: @Sendable (ProjectionCheckpoint, PostgresConnection) async throws -> Result
    ) async throws(ProjectionError) -> Result {
        do {
            return try await client.withConnection { connection in
                try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
                    guard let checkpoint = try await ProjectionCatalog.checkpoint(of: name, forUpdate: true, on: connection, logger: logger) else {
                        throw ProjectionError(.invalidState, "'\(name)' has not run yet")
                    }
                    return try await body(checkpoint, connection)
                }
            }
        } catch let error as ProjectionError {
            throw error
        } catch {
            throw ProjectionError.database(error, while: "updating '\(name)'")
        }
    }

    static func head(on connection: PostgresConnection, logger: Logger) async throws -> LogPosition {
        let rows = try await connection.query(
            "SELECT transaction_id::text, position FROM events ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1", logger: logger
        )
        for try await (tx, position) in rows.decode((String, Int64).self) {
            return LogPosition(transactionID: UInt64(tx) ?? 0, position: position)
        }
        return .start
    }

    /// Events of `types` (all when `nil`) after `position`, and when the oldest of them was recorded.
    static func lag(after position: LogPosition, types: [String]?, on connection: PostgresConnection, logger: Logger) async throws -> (
        events: Int64, oldest: Date?
    ) {
        let rows = try await connection.query(
            """
            SELECT count(*), min(recorded_at) FROM events
            WHERE (transaction_id, position) > (\(String(position.transactionID))::xid8, \(position.position)::int8)
              AND (\(types)::text[] IS NULL OR type = ANY(\(types)::text[]))
            """,
            logger: logger
        )
        for try await (count, oldest) in rows.decode((Int64, Date?).self) { return (count, oldest) }
        return (0, nil)
    }
}
