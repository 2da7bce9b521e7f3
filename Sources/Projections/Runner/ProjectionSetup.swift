import EventStore
import Logging
import PostgresNIO

/// Creates a projection's live tables and checkpoint the first time it runs.
enum ProjectionSetup {
    /// The projection's checkpoint, creating its tables in `read` (and the checkpoint at the
    /// start of the log) in one transaction when it has none yet.
    static func prepare(_ projection: any Projection, on connection: PostgresConnection, logger: Logger) async throws -> ProjectionCheckpoint {
        if let checkpoint = try await ProjectionCatalog.checkpoint(of: projection.name, on: connection, logger: logger) {
            if checkpoint.version == projection.version, !projection.liveStatements.isEmpty {
                try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
                    try await ProjectionCatalog.goLive(projection, newTables: false, on: connection, logger: logger)
                }
            }
            return checkpoint
        }
        try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
            // Serialise first-time set-up with rebuild swaps and resets of the same projection.
            _ = try await connection.query(
                "SELECT pg_advisory_xact_lock(\(ProjectionLease.Purpose.catalog.rawValue), hashtext(\(projection.name)))", logger: logger)
            guard try await ProjectionCatalog.checkpoint(of: projection.name, on: connection, logger: logger) == nil else { return }
            try await ProjectionCatalog.createTables(of: projection, in: ProjectionCatalog.liveSchema, on: connection, logger: logger)
            try await ProjectionCatalog.goLive(projection, newTables: true, on: connection, logger: logger)
            try await AnalystGrants.grantAll(tables: projection.tables.map(\.name), on: connection, logger: logger)
            _ = try await connection.query(
                """
                INSERT INTO projection_checkpoints (name, version, tables)
                VALUES (\(projection.name), \(Int32(projection.version)), \(projection.tables.map(\.name)))
                """,
                logger: logger
            )
            try await ProjectionCatalog.audit(projection.name, action: "created", detail: "version \(projection.version)", on: connection, logger: logger)
        }
        guard let checkpoint = try await ProjectionCatalog.checkpoint(of: projection.name, on: connection, logger: logger) else {
            throw ProjectionError(.invalidState, "the checkpoint of '\(projection.name)' vanished right after it was created")
        }
        return checkpoint
    }
}
