import Logging
import PostgresNIO
import ServiceLifecycle

/// Sends one coalesced `NOTIFY` after this process's commits, outside the writers' transactions.
///
/// A `NOTIFY` inside a writer's transaction would make every commit take PostgreSQL's global
/// notification lock, serializing writers. Instead each successful append only records "something
/// was committed" (a non-blocking, bounded signal) and this service sends a notification from its
/// own connection; signals that arrive while one is being sent are merged into the next.
final class CommitNotifier: Service, Sendable {
    private let client: PostgresClient
    private let channel: NotifyChannel
    private let logger: Logger
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let minimumInterval: Duration

    init(client: PostgresClient, channel: NotifyChannel, logger: Logger, minimumInterval: Duration = .milliseconds(5)) {
        self.client = client
        self.minimumInterval = minimumInterval
        self.channel = channel
        self.logger = logger
        (self.stream, self.continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Records that a commit happened. Never blocks and never buffers more than one signal.
    func signal() {
        continuation.yield()
    }

    /// Sends notifications until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            // The real channel name, looked up once it can be (after the migrations ran).
            var channel: String?
            for await _ in self.stream {
                do {
                    let name: String
                    if let channel {
                        name = channel
                    } else {
                        name = try await self.channel.resolve(with: self.client, logger: self.logger)
                        channel = name
                    }
                    try await self.client.query("SELECT pg_notify(\(name), '')", logger: self.logger)
                } catch {
                    // Subscribers fall back to polling; the next commit notifies again.
                    self.logger.debug("commit notification failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                // Under a stream of commits, one notification per interval is enough: subscribers
                // re-read from their position anyway. This bounds the notifier's load on the server.
                try? await Task.sleep(for: self.minimumInterval)
            }
        }
    }
}
