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
            let services = store.services.map { service in Task { try? await service.run() } }
            // Stopped like the client (below): cancelled, then waited for at most 10 s.
            let stop: @Sendable () async -> Void = {
                for service in services { service.cancel() }
                let all = Task { for service in services { await service.value } }
                if await Deadline.run(timeout: .seconds(10), { await all.value }) == nil {
                    logger.warning("the event store's services did not stop within 10 s; leaving them")
                }
            }
            do {
                let result = try await body(store)
                await stop()
                return result
            } catch {
                await stop()
                throw error
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
        // The body waits until the client's run loop has begun: a query issued before it makes
        // postgres-nio log "run() hasn't been called yet" on every command-line verb.
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let running = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        do {
            let result = try await body(client)
            await stop(running, logger: logger)
            return result
        } catch {
            await stop(running, logger: logger)
            throw error
        }
    }

    /// Stops a client's run loop and waits up to 10 s for it. postgres-nio 1.33.2 can lose the
    /// answer of a query on a connection the server ended, and the lease that query holds is then
    /// never given back: `run()` would wait for it forever, so the caller (a CLI verb, a test)
    /// would never finish. After 10 s the run loop is left behind, with a warning.
    private static func stop(_ running: Task<Void, Never>, logger: Logger) async {
        running.cancel()
        if await Deadline.run(timeout: .seconds(10), { await running.value }) == nil {
            logger.warning("the database client did not stop within 10 s (a query whose answer the driver lost still holds a connection); leaving it")
        }
    }
}
