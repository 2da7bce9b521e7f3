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

    /// Listens until graceful shutdown, reconnecting after failures (see ``NotificationListener``).
    public func run() async throws {
        let listener = NotificationListener(
            client: client, channel: ChangeFeed.channel, logger: logger,
            waitingMessage: "live notifier waits for the migrations",
            lostMessage: "live notifier lost its connection; retrying"
        )
        let hub = hub
        // Changes may have been written while nobody listened: every (re)connection pokes everyone.
        await listener.run(listening: { await hub.pokeAll() }, notification: { await hub.poke(payload: $0.payload) })
    }
}
