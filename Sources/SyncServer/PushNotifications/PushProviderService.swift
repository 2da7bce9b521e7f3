import Logging
import PushProviders
import ServiceLifecycle

/// Holds the push providers' HTTP clients open while the server runs and shuts every one down on
/// the way out: after a graceful shutdown, and also when the service group is cancelled, so that
/// no client is released open (which traps in debug builds: "Client not shut down before the
/// deinit").
///
/// Add it before the dispatchers: a service group stops its services in reverse order, so the
/// dispatchers finish their round before the clients close.
public struct PushProviderService: Service {
    /// The providers it shuts down.
    public let providers: [any PushProvider]
    /// Where a provider that does not shut down cleanly is reported.
    public let logger: Logger

    /// Creates the service for `providers`.
    public init(providers: [any PushProvider], logger: Logger) {
        self.providers = providers
        self.logger = logger
    }

    /// Waits for the graceful shutdown (or cancellation), then shuts every provider down.
    public func run() async throws {
        // Returns on graceful shutdown and throws `CancellationError` when cancelled: both end here.
        try? await gracefulShutdown()
        await Self.shutDown(providers, logger: logger)
    }

    /// Shuts each of `providers` down; a failure is logged and does not keep the others open.
    public static func shutDown(_ providers: [any PushProvider], logger: Logger) async {
        for provider in providers {
            do {
                try await provider.shutdown()
            } catch {
                logger.warning(
                    "a push provider did not shut down cleanly",
                    metadata: [
                        "push.channel": "\(provider.name)", "error": "\(String(reflecting: error))",
                    ])
            }
        }
        if !providers.isEmpty {
            logger.notice("push providers' HTTP clients shut down", metadata: ["push.channels": "\(providers.map(\.name))"])
        }
    }
}
