import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens for commit notifications of every process and wakes waiting subscribers.
///
/// A notification is only a hint: a subscriber always re-reads from its own position, so a missed
/// or duplicated notification costs latency, never correctness. While the listening connection is
/// down, subscribers poll.
actor LogListener: Service {
    private let client: PostgresClient
    private let channel: NotifyChannel
    private let logger: Logger
    private var generation: UInt64 = 0
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var released: Set<Int> = []
    private var nextWaiterID = 0

    init(client: PostgresClient, channel: NotifyChannel, logger: Logger) {
        self.client = client
        self.channel = channel
        self.logger = logger
    }

    /// The number of notifications seen so far; pass it to ``wait(after:timeout:)``.
    func currentGeneration() -> UInt64 { generation }

    /// Wakes every waiter.
    func signal() {
        generation &+= 1
        let all = waiters
        waiters.removeAll()
        for continuation in all.values { continuation.resume() }
    }

    /// Returns when a notification newer than `seen` arrives, when `timeout` passes, or on cancellation.
    func wait(after seen: UInt64, timeout: Duration) async {
        guard generation == seen, !Task.isCancelled else { return }
        let id = nextWaiterID
        nextWaiterID += 1
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(id) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.release(id)
            }
            _ = await group.next()
            group.cancelAll()
            self.release(id)
        }
        released.remove(id)
    }

    private func suspend(_ id: Int) async {
        if released.contains(id) { return }
        await withCheckedContinuation { continuation in
            waiters[id] = continuation
        }
    }

    private func release(_ id: Int) {
        if let continuation = waiters.removeValue(forKey: id) {
            continuation.resume()
        } else {
            released.insert(id)
        }
    }

    /// Listens until graceful shutdown, reconnecting after failures.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await self.client.withConnection { connection in
                        // A LISTEN in flight on a connection the server killed may never be answered:
                        // closing the connection on cancellation fails it, so shutdown never hangs.
                        try await withTaskCancellationHandler {
                            let channel = try await self.channel.resolve(on: connection, logger: self.logger)
                            try await connection.listen(on: channel) { notifications in
                                // Anything may have been committed while we were not listening.
                                await self.signal()
                                for try await _ in notifications {
                                    await self.signal()
                                }
                            }
                        } onCancel: {
                            connection.close().whenComplete { _ in }
                        }
                    }
                } catch let error as EventStoreError where error.code == .notMigrated {
                    // Started before the migrations ran (`synccli migrate` on a new database).
                    self.logger.debug("log listener waits for the migrations; subscribers poll meanwhile")
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning("log listener lost its connection; subscribers poll until it is back", metadata: [
                        "error": "\(String(reflecting: error))",
                    ])
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
