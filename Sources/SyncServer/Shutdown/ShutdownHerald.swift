import Logging
import ServiceLifecycle

/// The first step of a graceful shutdown, before the HTTP server stops accepting connections:
/// readiness (`GET /v1/health`) answers 503 from here on, and every live WebSocket is closed with
/// 1012 ("service restart"), so clients reconnect to another instance at once instead of being
/// cut when the process ends.
///
/// It waits at most ``socketWait`` for the sockets to close; whatever is still open then is closed
/// by the HTTP server's own graceful shutdown.
struct ShutdownHerald: Service {
    /// The live clients.
    let hub: LiveHub
    /// Readiness.
    let drain: DrainState
    /// How long to wait for the live sockets to close.
    let socketWait: Duration
    /// Where the steps are logged.
    let logger: Logger

    func run() async throws {
        // Returns on graceful shutdown; throws when cancelled, and then there is nothing to announce.
        do { try await gracefulShutdown() } catch { return }
        let started = ContinuousClock.now
        drain.begin()
        let open = await hub.closeAll()
        logger.notice(
            "shutting down: readiness answers 503; closing live sockets with 1012 (service restart)",
            metadata: ["live.sockets": "\(open)"])
        while await hub.count > 0, ContinuousClock.now - started < socketWait {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = await hub.count
        logger.notice(
            "live sockets closed; the HTTP server stops accepting connections and finishes the requests in flight",
            metadata: ["live.closed": "\(open - left)", "live.left": "\(left)"])
    }
}
