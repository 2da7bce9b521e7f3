import ArgumentParser
import CommandLineSupport
import Commands
import EventStore
import Foundation
import Hummingbird
import Logging
import PushProviders
import ServiceLifecycle
import SyncServer
import UnixSignals

/// `synccli serve`: run the sync server until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Tidemark server (HTTP) until SIGINT/SIGTERM; migrates the database first."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to bind (default: $TIDEMARK_HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: $TIDEMARK_PORT, else 8080).")
    var port: Int?

    @Option(help: "Most PostgreSQL connections in the pool.")
    var maxConnections: Int = 20

    @Flag(help: "Do not apply migrations at start.")
    var noMigrate = false

    @Flag(help: "Do not run projection runners in this process (another instance or `synccli projections run` does).")
    var noProjections = false

    @Flag(help: "Do not rebuild a projection whose code version changed at start; it then waits for `synccli projections rebuild`.")
    var noRebuildOnVersionChange = false

    @Option(help: "Push dispatchers in this process (0-16); they run only for the providers configured in the environment (docs/push.md).")
    var pushDispatchers: Int = 1

    @Option(help: "Threads that check and hash passwords (1-64; default: one per core). Sign-ins wait in their queue, so they never take more cores than this.")
    var passwordThreads: Int?

    @Option(
        help:
            "Nice value of the password threads (0-19, default 10; Linux): above 0, the threads serving other requests are scheduled before bcrypt; 0: the process's priority."
    )
    var passwordNice: Int = PasswordHasher.serverNice

    @Option(
        help: """
            Cgroup directory (Linux) the password threads move into at start, e.g. one with a low cpu.weight (v2, threaded) \
            or cpu.shares (v1), so that sign-ins do not delay PostgreSQL and other processes (docs/operations.md). Default: none.
            """)
    var passwordCgroup: String?

    @Option(help: "Most active push devices per user (1-1000).")
    var maxDevicesPerUser: Int = 20

    @Option(
        help: """
            Most groups of sync pushes applied at once (1-64); pushes of other devices arriving while all are busy \
            are combined into one transaction.
            """)
    var pushGroups: Int = 4

    @Option(help: "Seconds an HTTP request may take before it is cancelled and answered 503 unavailable (1-600).")
    var requestDeadline: Int = 20

    @Option(help: "Seconds a graceful shutdown (SIGTERM, SIGINT) may take before the server cancels what is still running (1-600).")
    var shutdownGrace: Int = 30

    @Option(
        help:
            "Seconds to keep serving after SIGTERM or SIGINT while GET /v1/health already answers 503, so a load balancer moves new requests elsewhere before the graceful shutdown starts (0-60)."
    )
    var drainSeconds: Int = 0

    @Option(help: "Address of a reverse proxy whose X-Forwarded-For names the client, for the per-address limits (repeatable).")
    var trustedProxy: [String] = []

    @Flag(help: "Turn off the registration, refresh, push and pull limits (benchmarks only; the sign-in throttle stays).")
    var noRequestLimits = false

    @Option(help: "Most bytes of a request's line and header fields; more is answered 431 (1024-1048576).")
    var maxHeaderBytes: Int = 32 * 1024

    @Option(help: "Seconds a request head may take once its first bytes arrived; then 408 and the connection closes (1-600).")
    var headerTimeout: Int = 10

    @Option(help: "Seconds a connection may stay open without a request before it is closed (1-3600).")
    var idleTimeout: Int = 60

    @Option(
        name: .customLong("read-database-url"),
        help:
            "PostgreSQL URL of a hot standby of --database-url (or the primary itself) that pull pages are read from when it has replayed what the cursor has seen (default: $TIDEMARK_READ_DATABASE_URL, else none: every read on the primary)."
    )
    var readDatabaseURL: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0-65535") }
        guard (2...500).contains(maxConnections) else { throw ValidationError("--max-connections must be 2-500") }
        guard (0...16).contains(pushDispatchers) else { throw ValidationError("--push-dispatchers must be 0-16") }
        if let passwordThreads, !(1...64).contains(passwordThreads) { throw ValidationError("--password-threads must be 1-64") }
        guard (0...19).contains(passwordNice) else { throw ValidationError("--password-nice must be 0-19") }
        if let passwordCgroup, passwordCgroup.isEmpty { throw ValidationError("--password-cgroup must name a directory") }
        guard (1...1000).contains(maxDevicesPerUser) else { throw ValidationError("--max-devices-per-user must be 1-1000") }
        guard (1...64).contains(pushGroups) else { throw ValidationError("--push-groups must be 1-64") }
        guard (1...600).contains(requestDeadline) else { throw ValidationError("--request-deadline must be 1-600 seconds") }
        guard (1...600).contains(shutdownGrace) else { throw ValidationError("--shutdown-grace must be 1-600 seconds") }
        guard (0...60).contains(drainSeconds) else { throw ValidationError("--drain-seconds must be 0-60") }
        guard (1024...1 << 20).contains(maxHeaderBytes) else { throw ValidationError("--max-header-bytes must be 1024-1048576") }
        guard (1...600).contains(headerTimeout) else { throw ValidationError("--header-timeout must be 1-600 seconds") }
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1-3600 seconds") }
    }

    func run() async throws {
        // Every live WebSocket holds a descriptor: thousands of devices need more than a soft limit of 1,024.
        FileDescriptorLimit.raiseToHardLimit()
        let environment = Environment()
        let url = try await global.resolvedDatabaseURL()
        let readURL = try await resolvedReadDatabaseURL(environment)
        let logger = try global.makeLogger(label: "tidemark.server", defaultLevel: "info")
        let resolvedPort = port ?? environment.get("TIDEMARK_PORT").flatMap(Int.init) ?? 8080
        var configuration = ServerConfiguration(
            host: host ?? environment.get("TIDEMARK_HOST") ?? "127.0.0.1",
            port: resolvedPort,
            databaseURL: url,
            maximumConnections: maxConnections,
            migrateOnStart: !noMigrate,
            runProjections: !noProjections,
            rebuildProjectionsOnVersionChange: !noRebuildOnVersionChange
        )
        if let secret = environment.get("TIDEMARK_JWT_SECRET") {
            guard secret.utf8.count >= 32 else {
                throw ValidationError("TIDEMARK_JWT_SECRET must be at least 32 bytes")
            }
            configuration.tokenSecret = Array(secret.utf8)
        }
        configuration.readDatabaseURL = readURL
        configuration.pushProviders = try await PushProviderEnvironment(values: ProcessInfo.processInfo.environment).providers()
        configuration.pushDispatchers = pushDispatchers
        configuration.passwordThreads = passwordThreads
        configuration.passwordNice = passwordNice
        configuration.passwordCgroup = passwordCgroup
        configuration.maxDevicesPerUser = maxDevicesPerUser
        configuration.pushCombinedGroups = pushGroups
        configuration.requestDeadline = .seconds(requestDeadline)
        configuration.auth.trustedProxies = Set(trustedProxy)
        if noRequestLimits {
            configuration.auth.registrationsPerAddress = 0
            configuration.auth.registrationsPerTenant = 0
            configuration.auth.refreshesPerAddress = 0
            configuration.syncRateLimits = SyncRateLimits(pullsPerSecond: 0, pushesPerSecond: 0)
        }

        configuration.connectionLimits = ConnectionLimits(
            maxHeaderBytes: maxHeaderBytes, headerTimeout: .seconds(headerTimeout), idleTimeout: .seconds(idleTimeout)
        )
        logger.info(
            "starting Tidemark server",
            metadata: [
                "push.providers": "\(configuration.pushProviders.map(\.name))",
                "http.address": "\(configuration.host):\(configuration.port)",
                "db.url": "\(url)",
                "db.read_url": "\(readURL.map { "\($0)" } ?? "none")",
            ])
        try await CLIFailure.reporting {
            // A graceful shutdown waits for open requests and database work; a query on a
            // connection that PostgreSQL terminated can, rarely, never be answered, and would keep
            // the process alive forever. After the grace period everything still running is cancelled.
            let application: any Service
            let drain = DrainState()
            do {
                application = try buildApplication(configuration: configuration, logger: logger, drain: drain)
            } catch {
                // The application would have owned the providers; nobody else closes them.
                await PushProviderService.shutDown(configuration.pushProviders, logger: logger)
                throw error
            }
            // The first SIGTERM or SIGINT starts the drain period (readiness 503 while the
            // instance still serves), then the graceful shutdown; without a drain period, the
            // shutdown at once. The shutdown has `--shutdown-grace` to finish.
            let drainPeriod = Duration.seconds(drainSeconds)
            var group = ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: logger)
            group.maximumGracefulShutdownDuration = .seconds(shutdownGrace)
            let services = ServiceGroup(configuration: group)
            let clock = ShutdownClock()
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await services.run() }
                tasks.addTask {
                    for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                        guard clock.start() else {
                            logger.notice("already stopping; the shutdown grace bounds it", metadata: ["signal": "\(signal)"])
                            continue
                        }
                        if drainSeconds > 0 {
                            drain.begin()
                            logger.notice(
                                "draining: readiness answers 503; graceful shutdown follows",
                                metadata: ["signal": "\(signal)", "drain.seconds": "\(drainSeconds)"])
                            try? await Task.sleep(for: drainPeriod)
                        }
                        logger.notice(
                            "graceful shutdown started",
                            metadata: ["signal": "\(signal)", "shutdown.grace_seconds": "\(shutdownGrace)"])
                        await services.triggerGracefulShutdown()
                    }
                }
                try await tasks.next()
                tasks.cancelAll()
            }
            if let elapsed = clock.elapsed {
                logger.notice("server stopped", metadata: ["shutdown.duration": "\(elapsed)"])
            }
        }
    }

    /// The read database of `--read-database-url` or `TIDEMARK_READ_DATABASE_URL` (empty: none),
    /// parsed and checked to answer within 5 seconds like `--database-url`.
    ///
    /// - Throws: `ExitCode.failure` (after printing why) when it is malformed or does not answer.
    private func resolvedReadDatabaseURL(_ environment: Environment) async throws -> DatabaseURL? {
        guard let raw = readDatabaseURL ?? environment.get("TIDEMARK_READ_DATABASE_URL"), !raw.isEmpty else { return nil }
        let source = "read database (--read-database-url / $TIDEMARK_READ_DATABASE_URL)"
        do {
            let url: DatabaseURL
            do {
                url = try DatabaseURL(raw)
            } catch {
                throw EventStoreError(error.code, error.message.replacingOccurrences(of: "DATABASE_URL", with: "the read database URL"))
            }
            try await url.checkReachable()
            return url
        } catch let error as EventStoreError {
            printError("error: \(error.code): \(source): \(error.message)")
            if let underlying = error.underlying { CLIFailure.printCause(underlying) }
            if error.code == .database {
                printError(
                    "  hint: is the standby running and accepting connections (hot_standby = on)? without --read-database-url every read goes to the primary")
            }
            throw ExitCode.failure
        }
    }
}
