import AsyncHTTPClient
import EventStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SyncServer
import TidemarkTestSupport

/// A real sync server on loopback for one test: its own database, projections running, started
/// and stopped (and restarted on the same port) at will.
final class TestServer: Sendable {
    let database: TestDatabase
    let logger: Logger
    let secret: [UInt8]
    private let configure: @Sendable (inout ServerConfiguration) -> Void
    private let running = Locked<(group: ServiceGroup, task: Task<Void, any Error>)?>(nil)
    private let boundPort = Locked<Int>(0)

    init(
        database: TestDatabase, logger: Logger, secret: String = "tidemark-test-secret-0123456789abcdef", port: Int = 0,
        configure: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in }
    ) {
        self.database = database
        self.logger = logger
        self.secret = Array(secret.utf8)
        self.configure = configure
        boundPort.withLock { $0 = port }
    }

    var port: Int { boundPort.value }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    func configuration(port: Int) -> ServerConfiguration {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port, databaseURL: database.url, maximumConnections: 8)
        configuration.tokenSecret = secret
        configuration.passwordCost = 4
        configuration.auth.refreshRetryGraceSeconds = 2
        // Requests come from 127.0.0.1; a test speaks from other addresses through X-Forwarded-For.
        configuration.auth.trustedProxies = ["127.0.0.1"]
        // Tests register, refresh and sync a lot from one address; the limit tests lower these.
        configuration.auth.registrationsPerAddress = 100_000
        configuration.auth.registrationsPerTenant = 100_000
        configuration.auth.refreshesPerAddress = 100_000
        configuration.syncRateLimits = SyncRateLimits(pullsPerSecond: 10_000, pullBurst: 10_000, pushesPerSecond: 10_000, pushBurst: 10_000)
        configure(&configuration)
        return configuration
    }

    /// Starts the server (on the port it had before, after a restart).
    func start() async throws {
        let ready = Locked<Int>(0)
        let app = try buildApplication(configuration: configuration(port: port), logger: logger) { port in
            ready.withLock { $0 = port }
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        running.withLock { $0 = (group, task) }
        try await eventually("the server listens (90 s)", timeout: .seconds(90), interval: .milliseconds(20)) { ready.value != 0 }
        boundPort.withLock { $0 = ready.value }
    }

    /// Stops the server gracefully and waits until it has.
    func stop() async throws {
        guard
            let (group, task) = running.withLock({ value in
                let current = value
                value = nil
                return current
            })
        else { return }
        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        // A query on a connection that a test's database outage terminated can, rarely, never be
        // answered by the driver, and a graceful shutdown waits for it. After 20 s the server is
        // cancelled (the pool then closes its connections); after 20 s more it is abandoned, so one
        // wedged server fails its test instead of hanging the whole run.
        if await Deadline.run(timeout: .seconds(20), { _ = try? await task.value }) == nil {
            logger.warning("test server did not stop within 20 s; cancelling it")
            task.cancel()
            if await Deadline.run(timeout: .seconds(20), { _ = try? await task.value }) == nil {
                logger.error("test server did not stop within 20 s of cancellation; abandoning it")
            }
        }
        logger.notice("test server stopped", metadata: ["seconds": "\(ContinuousClock.now - started)"])
    }
}
