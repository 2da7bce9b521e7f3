import Basics
import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens on one ``NotifyChannel`` until graceful shutdown or cancellation, and reconnects with
/// back-off whenever the connection is lost: the one LISTEN loop of the package, used by the log
/// listener (subscribers) and the sync server's live notifier.
///
/// A notification is only a hint: while nobody listens, every `NOTIFY` is lost. So each time the
/// listener (re)connects it calls `listening` first, and its user re-reads whatever it follows.
/// The back-off starts again from its base once a `LISTEN` succeeded.
public struct NotificationListener: Sendable {
    /// The pool the listening connection comes from.
    public let client: PostgresClient
    /// The channel listened to.
    public let channel: NotifyChannel
    /// Where lost connections are reported.
    public let logger: Logger
    /// The wait between reconnection attempts (default 100 ms, doubling up to 5 s).
    public var backoff: Backoff
    /// Logged at debug while the migrations that create the channel table have not run.
    public var waitingMessage: Logger.Message
    /// Logged at warning when the connection was lost.
    public var lostMessage: Logger.Message

    /// Creates a listener.
    ///
    /// - Parameters:
    ///   - client: The pool the listening connection comes from.
    ///   - channel: The channel to listen to.
    ///   - logger: Where lost connections are reported.
    ///   - waitingMessage: What to log (debug) while the database is not migrated yet.
    ///   - lostMessage: What to log (warning) when the connection was lost.
    public init(
        client: PostgresClient, channel: NotifyChannel, logger: Logger,
        waitingMessage: Logger.Message = "notification listener waits for the migrations",
        lostMessage: Logger.Message = "notification listener lost its connection; retrying"
    ) {
        self.client = client
        self.channel = channel
        self.logger = logger
        self.backoff = Backoff(base: .milliseconds(100), cap: .seconds(5))
        self.waitingMessage = waitingMessage
        self.lostMessage = lostMessage
    }

    /// Listens until graceful shutdown or cancellation, reconnecting after failures.
    ///
    /// - Parameters:
    ///   - listening: Called each time a `LISTEN` succeeded, before any notification: anything
    ///     may have been sent while nobody listened.
    ///   - notification: Called with each notification, in order.
    public func run(
        listening: @escaping @Sendable () async -> Void,
        notification: @escaping @Sendable (PostgresNotification) async -> Void
    ) async {
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        // A LISTEN in flight on a connection the server killed may never be answered:
                        // closing the connection on cancellation fails it, so shutdown never hangs.
                        try await withTaskCancellationHandler {
                            let name = try await channel.resolve(on: connection, logger: logger)
                            try await connection.listen(on: name) { notifications in
                                failures = 0
                                await listening()
                                for try await received in notifications {
                                    await notification(received)
                                }
                            }
                        } onCancel: {
                            connection.close().whenComplete { _ in }
                        }
                    }
                } catch let error as EventStoreError where error.code == .notMigrated {
                    // Started before the migrations ran (`synccli migrate` on a new database).
                    logger.debug(waitingMessage)
                } catch {
                    if Task.isCancelled { return }
                    logger.warning(lostMessage, metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: backoff.delay(retry: failures))
                failures += 1
            }
        }
    }
}
