import Logging
import ServiceLifecycle

/// Logs one line (notice) when its turn in a graceful shutdown comes, so an operator can follow
/// the shutdown in the log. A service group stops its services in reverse order: a notice placed
/// after some services speaks once every service placed after it has stopped, before the ones
/// placed before it start stopping.
struct ShutdownNotice: Service {
    /// What to log.
    let message: Logger.Message
    /// Where.
    let logger: Logger

    func run() async throws {
        do { try await gracefulShutdown() } catch { return }
        logger.notice(message)
    }
}
