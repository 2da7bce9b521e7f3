import Commands
import EventStore
import Logging
import PostgresNIO
import Projections
import SyncServer
import TidemarkTestSupport

extension DatabaseTemplate {
    /// Every migration, and the tables and checkpoints of every projection the server runs, made
    /// by the projection runners as at a server's first start: a server started on a copy finds
    /// them at once.
    static let server = DatabaseTemplate("server") { url in
        var logger = Logger(label: "tidemark-test-template")
        logger.logLevel = .error
        let quiet = logger
        _ = try await withStore(url: url, maximumConnections: 4, applicationName: "tidemark-test-template") { store in
            try await store.migrate(additional: TidemarkMigrations.all)
            let projections = ServerConfiguration(databaseURL: url).projections
            try await withThrowingTaskGroup(of: Void.self) { group in
                for projection in projections {
                    let runner = ProjectionRunner(projection: projection, store: store, database: url, logger: quiet)
                    group.addTask { try await runner.run() }
                }
                try await eventually("every projection has created its tables") {
                    let rows = try await store.client.query("SELECT count(*) FROM projection_checkpoints", logger: quiet)
                    for try await count in rows.decode(Int.self) { return count == projections.count }
                    return false
                }
                group.cancelAll()
                try await group.waitForAll()
            }
        }
    }
}
