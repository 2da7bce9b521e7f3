import Commands
import Logging
import ServiceLifecycle

/// Keeps the server's ``PasswordHasher`` thread pool running while the server runs and stops its
/// threads on the way out (after a graceful shutdown, or when the service group is cancelled).
///
/// Added right after the database clients, so it stops after the HTTP server: sign-ins in flight
/// finish their password check first.
public struct PasswordHasherService: Service {
    /// The hasher whose pool it stops.
    public let hasher: PasswordHasher
    /// Where a pool that does not stop cleanly is reported.
    public let logger: Logger

    /// Creates the service for `hasher`.
    public init(hasher: PasswordHasher, logger: Logger) {
        self.hasher = hasher
        self.logger = logger
    }

    /// Waits for the graceful shutdown (or cancellation), then stops the pool's threads.
    public func run() async throws {
        // Returns on graceful shutdown and throws `CancellationError` when cancelled: both end here.
        try? await gracefulShutdown()
        do {
            try await hasher.shutdown()
        } catch {
            logger.warning("the password thread pool did not stop cleanly", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
