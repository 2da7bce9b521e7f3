import EventStore
import Hummingbird
import Logging
import PostgresNIO
import Projections

/// Builds the sync server: the one composition root used by `synccli serve` and by the tests.
///
/// The PostgreSQL client and the event store's notification services run in the application's
/// service group; migrations run before the server accepts requests (when configured).
/// - Parameters:
///   - configuration: Where to listen and which database to use.
///   - logger: The server's logger.
/// - Returns: The application, ready to `runService()` or to test.
public func buildApplication(configuration: ServerConfiguration, logger: Logger) -> some ApplicationProtocol {
    let client = PostgresClient(
        configuration: configuration.databaseURL.clientConfiguration(
            maximumConnections: configuration.maximumConnections, applicationName: "tidemark-server"
        ),
        backgroundLogger: logger
    )
    let store = EventStore(client: client, logger: logger)
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ProblemMiddleware(logger: logger))
    router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxRequestBodyBytes))
    HealthController(store: store).addRoutes(to: router)

    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tidemark"),
        services: [client],
        logger: logger
    )
    app.addServices(store.services)
    if configuration.runProjections {
        let options = ProjectionRunnerOptions(rebuildOnVersionChange: configuration.rebuildProjectionsOnVersionChange)
        for projection in ReadModels.all {
            app.addServices(ProjectionRunner(projection: projection, store: store, database: configuration.databaseURL, options: options, logger: logger))
        }
    }
    if configuration.migrateOnStart {
        app.beforeServerStarts {
            let report = try await store.migrate(additional: TidemarkMigrations.all)
            logger.info("database ready", metadata: [
                "db.url": "\(configuration.databaseURL)",
                "db.migrations_applied": "\(report.applied.count)",
            ])
        }
    }
    return app
}
