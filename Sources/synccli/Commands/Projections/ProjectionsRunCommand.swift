import ArgumentParser
import CommandLineSupport
import Commands
import EventStore
import Logging
import PostgresNIO
import Projections
import ServiceLifecycle
import SyncServer
import UnixSignals

/// `synccli projections run [NAME...]`: keep projections live in this process until SIGINT/SIGTERM.
struct ProjectionsRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the runners of all (or the named) projections in this process until Ctrl-C; migrates first.",
        discussion: """
            Each projection has one runner across all processes (an advisory-lock lease): a runner here stands
            by while another process (a server, another `projections run`) leads, and takes over when it goes
            away. A projection whose live tables are of an older code version is rebuilt blue/green first
            (unless --no-rebuild-on-version-change). `synccli serve` runs the same runners unless --no-projections.
            SIGINT or SIGTERM stops the runners gracefully: a batch in flight commits or rolls back whole.

            Examples:
              synccli projections run
              synccli projections run todos orders --log-level debug
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Projections to run (default: all).")
    var names: [String] = []

    @Option(help: "Most events applied per transaction (1-10000).")
    var batchSize: Int = 500

    @Option(help: "Most PostgreSQL connections in the pool (each runner also holds its own lease connection).")
    var maxConnections: Int = 10

    @Flag(help: "Do not apply migrations at start.")
    var noMigrate = false

    @Flag(help: "Do not rebuild a projection whose code version changed; it then waits for `synccli projections rebuild`.")
    var noRebuildOnVersionChange = false

    func validate() throws {
        for name in names { try KnownProjections.validate(name) }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1-10000") }
        guard (2...500).contains(maxConnections) else { throw ValidationError("--max-connections must be 2-500") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "tidemark.projections", defaultLevel: "info")
        let projections = try names.isEmpty ? KnownProjections.all : names.map { try KnownProjections.named($0) }
        if !noMigrate {
            try await CLIFailure.reporting {
                _ = try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-migrate", logger: logger) { store in
                    try await store.migrate(additional: TidemarkMigrations.all)
                }
            }
        }
        let client = PostgresClient(
            configuration: url.clientConfiguration(maximumConnections: maxConnections, applicationName: "synccli-projections"),
            backgroundLogger: logger
        )
        let store = EventStore(client: client, logger: logger)
        let options = ProjectionRunnerOptions(batchSize: batchSize, rebuildOnVersionChange: !noRebuildOnVersionChange)
        var services: [any Service] = [client]
        services += store.services
        services += projections.map { ProjectionRunner(projection: $0, store: store, database: url, options: options, logger: logger) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        logger.info(
            "running projections; SIGINT or SIGTERM stops them",
            metadata: [
                "projections": "\(projections.map(\.name).joined(separator: ","))", "db.url": "\(url)",
            ])
        try await CLIFailure.reporting {
            try await group.run()
        }
        logger.info("projection runners stopped")
    }
}
