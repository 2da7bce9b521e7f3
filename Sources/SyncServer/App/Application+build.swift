import Commands
import EventStore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Outbox
import PostgresNIO
import Projections
import Prometheus

/// Builds the sync server: the one composition root used by `synccli serve` and by the tests.
///
/// The PostgreSQL client, the event store's notification services, the live notifier and the
/// projection runners run in the application's service group; migrations run before the server
/// accepts requests (when configured). The application owns `configuration.pushProviders`: it
/// shuts them down when it stops.
///
/// A graceful shutdown runs in this order (docs/operations.md, "Stopping a server"): readiness
/// answers 503 and live sockets are closed with 1012; the HTTP server stops accepting connections
/// and finishes the requests in flight; push dispatchers finish the sends in flight and hand the
/// rest of their claims back; the providers' HTTP clients close; projection runners finish their
/// batch and release their leases; the database pool closes. Each step logs a notice.
/// - Parameters:
///   - configuration: Where to listen and which database to use.
///   - logger: The server's logger.
///   - drain: Set by whoever handles the stop signal: while it drains, `GET /v1/health` answers 503.
///   - onServerRunning: Called with the bound port once the server listens (tests bind port 0).
/// - Returns: The application, ready to `runService()` or to test.
public func buildApplication(
    configuration: ServerConfiguration, logger: Logger, drain: DrainState = DrainState(),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let client = PostgresClient(
        configuration: configuration.databaseURL.clientConfiguration(
            maximumConnections: configuration.maximumConnections, applicationName: "tidemark-server"
        ),
        backgroundLogger: logger
    )
    let metrics = ServerMetrics(poolSize: configuration.maximumConnections)
    // Pull pages only; `services` below runs its pool.
    let readClient = configuration.readDatabaseURL.map { url in
        PostgresClient(
            configuration: url.clientConfiguration(maximumConnections: configuration.maximumConnections, applicationName: "tidemark-server-reads"),
            backgroundLogger: logger)
    }
    let store = EventStore(client: client, logger: logger, metrics: metrics.store)
    let passwords = PasswordHasher(
        threads: configuration.passwordThreads ?? PasswordHasher.defaultThreads, nice: configuration.passwordNice,
        cgroup: configuration.passwordCgroup)
    if let cgroup = passwords.cgroup {
        if let error = passwords.cgroupError {
            logger.warning(
                "password threads not (all) moved into their cgroup; they stay in the process's scheduling group",
                metadata: ["password.cgroup": "\(cgroup)", "password.threads_moved": "\(passwords.threadsInCgroup)", "error": "\(error)"])
        } else {
            logger.info(
                "password threads moved into their cgroup",
                metadata: ["password.cgroup": "\(cgroup)", "password.threads_moved": "\(passwords.threadsInCgroup)"])
        }
    }
    // A command waits behind others of its stream for at most half the request deadline, so a
    // queued push is refused `contention` (retried by clients) before the request times out.
    let commands = CommandService(
        store: store, passwordCost: configuration.passwordCost, passwords: passwords, streamPatience: configuration.requestDeadline / 2)
    let signer =
        try configuration.tokenSecret.map { secret throws(AuthError) in try TokenSigner(secret: secret) }
        ?? {
            logger.warning("TIDEMARK_JWT_SECRET is not set: access tokens are signed with a random key and die with this process")
            return TokenSigner.random()
        }()
    let planner = MutationPlanner(commands: commands, maxDevicesPerUser: configuration.maxDevicesPerUser)
    let auth = AuthService(commands: commands, signer: signer, options: configuration.auth, metrics: metrics.auth)
    let deviceLimiter = DeviceRateLimiter(limits: configuration.syncRateLimits, metrics: metrics.auth)
    let hub = LiveHub()

    let router = Router(context: SyncRequestContext.self)
    router.add(middleware: ProblemMiddleware(logger: logger))
    router.add(middleware: ProtocolVersionMiddleware(minimum: configuration.minimumProtocolVersion))
    HealthController(store: store, drain: drain).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    MetricsController(registry: metrics.registry) { metrics.liveSocketsOpen(await hub.count) }.addRoutes(to: router)
    let api = router.group("v1")
    let authController = AuthController(auth: auth)
    authController.addPublicRoutes(to: api.group(context: CredentialRequestContext.self))
    // Handlers below get an AuthenticatedRequestContext, or the request is 401 before they run.
    let secured = api.group().add(middleware: Authenticator(auth: auth)).group(context: AuthenticatedRequestContext.self)
    authController.addRoutes(to: secured)
    SyncController(
        push: SyncPushService(
            planner: planner, maxBatch: configuration.maxPushBatch, devicePatience: configuration.requestDeadline,
            combinedGroups: configuration.pushCombinedGroups),
        pull: PullService(
            client: client, logger: logger, cursors: configuration.tokenSecret.map(CursorSigner.init(secret:)) ?? .random(),
            standby: readClient.map {
                StandbyReads(
                    client: $0, timeout: configuration.standbyReadTimeout, pause: configuration.standbyRetryPause,
                    catchUpWait: configuration.standbyCatchUpWait)
            },
            metrics: PullMetrics(factory: PrometheusMetricsFactory(registry: metrics.registry)),
            poolMetrics: metrics.store),
        metrics: metrics.sync
    ).addRoutes(to: secured.group().add(middleware: DeviceRateLimitMiddleware(limiter: deviceLimiter)))
    WriteController(planner: planner).addRoutes(to: secured)
    ErasureController(commands: commands).addRoutes(to: secured)

    let webSocketRouter = Router(context: SyncRequestContext.self)
    webSocketRouter.add(middleware: RequestIDMiddleware())
    webSocketRouter.add(middleware: ProblemMiddleware(logger: logger))
    webSocketRouter.add(middleware: ProtocolVersionMiddleware(minimum: configuration.minimumProtocolVersion))
    webSocketRouter.add(middleware: Authenticator(auth: auth, acceptsQueryToken: true))
    LiveController(hub: hub).addRoutes(to: webSocketRouter)

    // Outside the router: the request id is set first and answered on every answer; HTTP metrics
    // count every answer written (also 405, 413 and the 503 at the deadline); the deadline
    // answers while an overrunning handler finishes on its own, and reads the body first, within
    // the body limit; a path routed for other methods is 405, not 404.
    let responder = MiddlewareResponder(
        middleware: RequestIDMiddleware<SyncRequestContext>(),
        base: MiddlewareResponder(
            middleware: HTTPMetricsMiddleware<SyncRequestContext>(metrics: metrics.http),
            base: RequestDeadlineResponder(
                base: MethodNotAllowedResponder(
                    base: router.buildResponder(),
                    routes: RouteMethods((router.routes + webSocketRouter.routes).map { ($0.path.description, $0.method) })
                ),
                timeout: configuration.requestDeadline, passwordTimeout: configuration.passwordRequestDeadline,
                maxBodyBytes: configuration.maxRequestBodyBytes, logger: logger
            )
        )
    )
    var app = Application(
        responder: responder,
        server: .guardedHTTP1WebSocketUpgrade(
            // A client that does not answer a close within 2 s is cut off: a shutdown does not wait for it.
            webSocketRouter: webSocketRouter, webSocket: .init(maxFrameSize: 1 << 16, closeTimeout: .seconds(2)),
            limits: configuration.connectionLimits,
            metrics: metrics.factory
        ),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tidemark"),
        services: [client, ShutdownNotice(message: "every other part has stopped; closing the database pool", logger: logger)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    if let readClient { app.addServices(readClient) }
    app.addServices(PasswordHasherService(hasher: passwords, logger: logger))
    app.addServices(store.services)
    app.addServices(LiveNotifier(client: client, hub: hub, logger: logger))
    if configuration.metricsSampleInterval > .zero {
        app.addServices(
            MetricsSampler(
                store: store, admin: ProjectionAdmin(projections: configuration.projections, client: client, logger: logger),
                interval: configuration.metricsSampleInterval, factory: metrics.factory, logger: logger))
    }
    logger.debug("routes ready", metadata: ["http.write_routes": "\(WriteRoute.all.count)"])
    if configuration.runProjections {
        let options = ProjectionRunnerOptions(rebuildOnVersionChange: configuration.rebuildProjectionsOnVersionChange)
        for projection in configuration.projections {
            app.addServices(ProjectionRunner(projection: projection, store: store, database: configuration.databaseURL, options: options, logger: logger))
        }
        // The tamper-evident chain over the log: one sealer across every instance (an advisory lease).
        app.addServices(LogSealer(database: configuration.databaseURL, logger: logger))
    }
    if !configuration.pushProviders.isEmpty {
        let outbox = PushOutbox(client: client, logger: logger)
        // Before the dispatchers, so it stops after them and closes the providers' clients.
        app.addServices(PushProviderService(providers: configuration.pushProviders, logger: logger))
        for index in 0..<max(configuration.pushDispatchers, 0) {
            app.addServices(
                PushDispatcher(
                    outbox: outbox, commands: commands, providers: configuration.pushProviders, options: configuration.pushOptions,
                    metrics: metrics.push,
                    owner: "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(index):\(UUID().uuidString.prefix(8))",
                    logger: logger))
        }
    } else {
        logger.notice("no push provider is configured: deliveries wait in the outbox (see docs/push.md)")
    }
    // Last, so it speaks first once the server has stopped (a service group stops in reverse order).
    app.addServices(
        ShutdownNotice(message: "HTTP server stopped: requests in flight answered, connections closed; stopping dispatchers and runners", logger: logger)
    )
    if configuration.migrateOnStart {
        app.beforeServerStarts {
            let report = try await store.migrate(additional: TidemarkMigrations.all)
            logger.info(
                "database ready",
                metadata: [
                    "db.url": "\(configuration.databaseURL)",
                    "db.migrations_applied": "\(report.applied.count)",
                ])
        }
    }
    return HeraldedApplication(base: app, herald: ShutdownHerald(hub: hub, drain: drain, socketWait: .seconds(2), logger: logger))
}
