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

    /// Listens until graceful shutdown, reconnecting after failures (see ``NotificationListener``).
    func run() async throws {
        let listener = NotificationListener(
            client: client, channel: channel, logger: logger,
            waitingMessage: "log listener waits for the migrations; subscribers poll meanwhile",
            lostMessage: "log listener lost its connection; subscribers poll until it is back"
        )
        // Anything may have been committed while nobody listened: every (re)connection wakes the waiters.
        await listener.run(listening: { await self.signal() }, notification: { _ in await self.signal() })
    }
}
