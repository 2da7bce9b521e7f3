import EventStore
import Logging
import PostgresNIO
import Projections
import ServiceLifecycle

/// Listens to the change feed's notifications and pokes the hub's clients. Each server instance
/// runs one, so a change written through any instance reaches devices connected to all of them.
public struct LiveNotifier: Service {
    /// The database.
    public let client: PostgresClient
    /// The connected clients.
    public let hub: LiveHub
    /// The logger.
    public let logger: Logger

    /// Creates the notifier.
    public init(client: PostgresClient, hub: LiveHub, logger: Logger) {
        self.client = client
        self.hub = hub
        self.logger = logger
    }

    /// Listens until graceful shutdown, reconnecting after failures.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await withTaskCancellationHandler {
                            let channel = try await ChangeFeed.channel.resolve(on: connection, logger: logger)
                            try await connection.listen(on: channel) { notifications in
                                // Changes may have been written while nobody listened.
                                await hub.pokeAll()
                                delay = .milliseconds(100)
                                for try await notification in notifications {
                                    await hub.poke(payload: notification.payload)
                                }
                            }
                        } onCancel: {
                            connection.close().whenComplete { _ in }
                        }
                    }
                } catch let error as EventStoreError where error.code == .notMigrated {
                    logger.debug("live notifier waits for the migrations")
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("live notifier lost its connection; retrying", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
