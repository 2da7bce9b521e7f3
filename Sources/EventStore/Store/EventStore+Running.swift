import Logging
import PostgresNIO
import ServiceLifecycle

extension EventStore {
    /// Runs `body` with a store on `url` while its client and notification services run, then stops them.
    ///
    /// For command-line tools and tests; a long-running server puts the client and ``services`` in
    /// its `ServiceGroup` instead.
    /// - Parameters:
    ///   - url: The database.
    ///   - configuration: Store limits and timings.
    ///   - maximumConnections: The pool size.
    ///   - applicationName: Shown in `pg_stat_activity`.
    ///   - logger: The store's logger.
    ///   - body: The work to do.
    public static func withRunning<Result: Sendable>(
        url: DatabaseURL,
        configuration: EventStoreConfiguration = EventStoreConfiguration(),
        maximumConnections: Int = 20,
        applicationName: String = "tidemark",
        logger: Logger,
        _ body: @Sendable (EventStore) async throws -> Result
    ) async throws -> Result {
        try await DatabaseURL.withClient(
            url: url, maximumConnections: maximumConnections, applicationName: applicationName, logger: logger
        ) { client in
            let store = EventStore(client: client, configuration: configuration, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                for service in store.services {
                    group.addTask { try? await service.run() }
                }
                defer { group.cancelAll() }
                return try await body(store)
            }
        }
    }
}

extension DatabaseURL {
    /// Runs `body` with a `PostgresClient` on this URL's server while the client runs, then stops it.
    static func withClient<Result: Sendable>(
        url: DatabaseURL,
        maximumConnections: Int,
        applicationName: String,
        connectTimeout: Duration? = nil,
        logger: Logger,
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        var configuration = url.clientConfiguration(maximumConnections: maximumConnections, applicationName: applicationName)
        if let connectTimeout { configuration.options.connectTimeout = connectTimeout }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            // The body waits until the client's run loop has begun: a query issued before it makes
            // postgres-nio log "run() hasn't been called yet" on every command-line verb.
            let (started, signal) = AsyncStream.makeStream(of: Void.self)
            group.addTask {
                signal.finish()
                await client.run()
                return nil
            }
            for await _ in started {}
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
