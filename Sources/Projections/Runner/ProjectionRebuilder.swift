import EventStore
import Foundation
import Logging
import PostgresNIO

/// Rebuilds a projection blue/green: into a shadow schema from the start of the log while the
/// live tables keep serving (and keep being updated by their runner), then swaps in one transaction.
///
/// The swap locks the checkpoint row (so the live runner pauses), applies the events that arrived
/// since the last shadow batch, drops the old live tables, moves the shadow tables into `read`,
/// grants the analyst roles, and points the checkpoint at the shadow's position, all in one
/// transaction: a reader sees the old tables or the new ones, never an empty, partial or mixed set.
/// Only one rebuild of a projection runs at a time across all processes (an advisory-lock lease).
public struct ProjectionRebuilder: Sendable {
    let projection: any Projection
    let store: EventStore
    let database: DatabaseURL
    let options: ProjectionRunnerOptions
    let logger: Logger
    let progress: (@Sendable (RebuildProgress) -> Void)?

    /// Creates a rebuilder.
    /// - Parameters:
    ///   - projection: The projection (its current code version is what gets built).
    ///   - store: Where events are read.
    ///   - database: Where the rebuild's own connection goes.
    ///   - options: `rebuildBatchSize` sets the events per shadow transaction.
    ///   - logger: Where it logs.
    ///   - progress: Called after each shadow batch.
    public init(
        projection: any Projection, store: EventStore, database: DatabaseURL,
        options: ProjectionRunnerOptions = ProjectionRunnerOptions(), logger: Logger,
        progress: (@Sendable (RebuildProgress) -> Void)? = nil
    ) {
        self.projection = projection
        self.store = store
        self.database = database
        self.options = options
        self.logger = logger
        self.progress = progress
    }

    /// Builds the shadow tables and swaps them in.
    /// - Returns: What was built.
    /// - Throws: ``ProjectionError`` `busy` when another rebuild of this projection runs, `invalidState`
    ///   when an event cannot be applied (the live tables stay untouched), `database` otherwise.
    public func rebuild() async throws(ProjectionError) -> RebuildReport {
        let lease: ProjectionLease
        do {
            lease = try await ProjectionLease.connect(to: database, purpose: .rebuild, name: projection.name, logger: logger)
        } catch {
            throw ProjectionError.database(error, while: "connecting for the rebuild of '\(projection.name)'")
        }
        do {
            guard try await lease.tryAcquire(logger: logger) else {
                throw ProjectionError(.busy, "a rebuild of '\(projection.name)' is already running in another process")
            }
            let report = try await build(on: lease.connection)
            await lease.close(logger: logger)
            return report
        } catch {
            await lease.close(logger: logger)
            if let error = error as? ProjectionError { throw error }
            if let failure = error as? BatchApplier.ApplyFailure {
                throw ProjectionError(
                    .invalidState, "the rebuild of '\(projection.name)' stopped at an event it cannot apply; the live tables are untouched",
                    underlying: failure.underlying
                )
            }
            throw ProjectionError.database(error, while: "rebuilding '\(projection.name)'")
        }
    }

    func build(on connection: PostgresConnection) async throws -> RebuildReport {
        let clock = ContinuousClock()
        let started = clock.now
        let shadow = ProjectionCatalog.shadowSchema(of: projection.name)
        let filter = LogFilter(eventTypes: projection.eventTypes)
        try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(shadow) CASCADE"), logger: logger)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(shadow)"), logger: logger)
            try await ProjectionCatalog.createTables(of: projection, in: shadow, forRebuild: true, on: connection, logger: logger)
            try await ProjectionCatalog.resetSearchPath(on: connection, logger: logger)
            _ = try await connection.query(
                """
                INSERT INTO projection_rebuilds (name, version, schema_name) VALUES (\(projection.name), \(Int32(projection.version)), \(shadow))
                ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, schema_name = EXCLUDED.schema_name,
                    transaction_id = '0', position = 0, events_applied = 0, started_at = now(), updated_at = now()
                """,
                logger: logger
            )
            try await ProjectionCatalog.audit(
                projection.name, action: "rebuild-started", detail: "version \(projection.version) into \(shadow)", on: connection, logger: logger)
        }
        logger.info("rebuilding into a shadow schema", metadata: ["projection.shadow": "\(shadow)", "projection.version": "\(projection.version)"])
        let expected = try await ProjectionAdmin.lag(after: .start, types: projection.eventTypes, on: connection, logger: logger).events
        var position = LogPosition.start
        var applied: Int64 = 0
        // Read one page ahead: PostgreSQL reads and the client decodes the next page while the
        // current one is applied.
        let store = store
        let pageSize = options.rebuildBatchSize
        func readAhead(after position: LogPosition) -> Task<LogPage, any Error> {
            Task { try await store.readAll(after: position, limit: pageSize, filter: filter) }
        }
        var next = readAhead(after: position)
        defer { next.cancel() }
        while true {
            let page = try await next.value
            guard let last = page.events.last else { break }
            next = readAhead(after: last.logPosition)
            try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
                try await BatchApplier.apply(page.events, projection: projection, schema: shadow, isRebuilding: true, on: connection, logger: logger)
                _ = try await connection.query(
                    """
                    UPDATE projection_rebuilds SET transaction_id = \(String(last.transactionID))::xid8, position = \(last.position),
                        events_applied = events_applied + \(Int64(page.events.count)), updated_at = now()
                    WHERE name = \(projection.name)
                    """,
                    logger: logger
                )
            }
            position = last.logPosition
            applied += Int64(page.events.count)
            progress?(RebuildProgress(name: projection.name, applied: applied, expected: max(expected, applied), elapsed: clock.now - started))
        }
        let deferred = projection.deferredIndexStatements
        if !deferred.isEmpty {
            logger.info("building the shadow's indexes", metadata: ["projection.indexes": "\(deferred.count)"])
            try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
                try await ProjectionCatalog.setSearchPath(shadow, on: connection, logger: logger)
                _ = try await connection.query("SET LOCAL maintenance_work_mem = '256MB'", logger: logger)
                for statement in deferred {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }
        // Statistics before the swap, so the first queries on the new tables are planned with
        // them (without, a snapshot page of a user with 100,000 todos scanned all of them: 1 s a page).
        for table in projection.tables {
            _ = try await connection.query(PostgresQuery(unsafeSQL: "ANALYZE \(shadow).\(table.name)"), logger: logger)
        }
        let (finalPosition, total) = try await swap(shadow: shadow, position: position, applied: applied, on: connection)
        let seconds = (clock.now - started).seconds
        logger.info(
            "rebuild swapped in",
            metadata: [
                "projection.version": "\(projection.version)", "projection.events": "\(total)", "projection.position": "\(finalPosition)",
            ])
        return RebuildReport(name: projection.name, version: projection.version, events: total, seconds: seconds, position: finalPosition)
    }

    /// Catches the shadow up under the checkpoint lock and swaps it in; retried when readers hold
    /// the old tables longer than the lock timeout.
    func swap(shadow: String, position: LogPosition, applied: Int64, on connection: PostgresConnection) async throws -> (LogPosition, Int64) {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await swapOnce(shadow: shadow, position: position, applied: applied, on: connection)
            } catch let error as PSQLError where error.sqlState == .lockNotAvailable && attempt < 10 {
                logger.warning("readers hold the live tables; retrying the swap", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    func swapOnce(shadow: String, position: LogPosition, applied: Int64, on connection: PostgresConnection) async throws -> (LogPosition, Int64) {
        let filter = LogFilter(eventTypes: projection.eventTypes)
        return try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
            _ = try await connection.query("SET LOCAL lock_timeout = '5s'", logger: logger)
            _ = try await connection.query(
                "SELECT pg_advisory_xact_lock(\(ProjectionLease.Purpose.catalog.rawValue), hashtext(\(projection.name)))", logger: logger)
            let live = try await ProjectionCatalog.checkpoint(of: projection.name, forUpdate: true, on: connection, logger: logger)
            var position = position
            var applied = applied
            var lastEventAt: Date?
            while true {
                let page = try await store.readAll(after: position, limit: options.rebuildBatchSize, filter: filter)
                guard let last = page.events.last else { break }
                try await BatchApplier.apply(page.events, projection: projection, schema: shadow, isRebuilding: true, on: connection, logger: logger)
                position = last.logPosition
                applied += Int64(page.events.count)
                lastEventAt = last.recordedAt
            }
            try await ProjectionCatalog.setSearchPath(shadow, on: connection, logger: logger)
            do {
                try await projection.finishRebuild(in: ProjectionContext(connection: connection, logger: logger, isRebuilding: true))
            } catch {
                throw BatchApplier.ApplyFailure(underlying: error)
            }
            try await ProjectionCatalog.resetSearchPath(on: connection, logger: logger)
            for table in live?.tables ?? [] where ReadTable.isIdentifier(table) {
                _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS read.\(table) CASCADE"), logger: logger)
            }
            for table in projection.tables {
                _ = try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE \(shadow).\(table.name) SET SCHEMA read"), logger: logger)
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(shadow) CASCADE"), logger: logger)
            try await ProjectionCatalog.goLive(projection, newTables: true, on: connection, logger: logger)
            try await AnalystGrants.grantAll(tables: projection.tables.map(\.name), on: connection, logger: logger)
            _ = try await connection.query(
                """
                INSERT INTO projection_checkpoints (name, version, tables, transaction_id, position, state, events_applied, last_event_at, last_applied_at)
                VALUES (\(projection.name), \(Int32(projection.version)), \(projection.tables.map(\.name)),
                        \(String(position.transactionID))::xid8, \(position.position), 'running', \(applied), \(lastEventAt), now())
                ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, tables = EXCLUDED.tables,
                    transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, state = 'running',
                    events_applied = EXCLUDED.events_applied,
                    last_event_at = coalesce(EXCLUDED.last_event_at, (SELECT max(recorded_at) FROM events WHERE events.position = EXCLUDED.position)),
                    last_applied_at = now(), \(unescaped: ProjectionCatalog.clearedFailure), updated_at = now()
                """,
                logger: logger
            )
            _ = try await connection.query("DELETE FROM projection_rebuilds WHERE name = \(projection.name)", logger: logger)
            try await ProjectionCatalog.audit(
                projection.name, action: "rebuild-swapped",
                detail: "version \(live?.version.description ?? "none") → \(projection.version) at \(position) after \(applied) events",
                on: connection, logger: logger
            )
            return (position, applied)
        }
    }

}
