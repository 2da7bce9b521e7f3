import Synchronization

/// Runs one device's pushes (of one user of one tenant) one after another within this server
/// instance, without holding a database connection while it waits. Shared mutable state, hence an
/// actor.
///
/// Across instances no lock is needed for correctness: every mutation runs as a command whose
/// idempotency key is derived from the tenant, user, device and mutation id, so two instances racing on a
/// retried batch store its events once, and each answer is recorded once (`ON CONFLICT DO
/// NOTHING`); each instance still walks the batch in sequence order.
///
/// That is also why the wait for an earlier push is bounded by ``patience``: a push whose
/// database call never returns (a driver that lost the answer of a connection the server ended)
/// would otherwise stop every later push of the device on this instance until a restart. After
/// `patience` the next push runs as it would on another instance.
actor DeviceQueue {
    private var tails: [SyncDevice: Task<Void, Never>] = [:]
    /// The longest a push waits for the one before it of the same device.
    let patience: Duration

    /// Creates a queue whose pushes wait at most `patience` for the previous push of their device.
    init(patience: Duration = .seconds(30)) {
        self.patience = patience
    }

    /// Runs `body` after every earlier call for `device` has finished, or after ``patience`` when
    /// the previous call has not finished by then.
    func run<Result: Sendable>(_ device: SyncDevice, _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let previous = tails[device]
        let patience = patience
        let task = Task<Result, any Error> {
            if let previous { await Self.wait(for: previous, atMost: patience) }
            return try await body()
        }
        let tail = Task<Void, Never> { _ = try? await task.value }
        tails[device] = tail
        let result = await task.result
        // The last call of a burst removes the device's entry.
        if tails[device] == tail { tails[device] = nil }
        return try result.get()
    }

    /// Returns when `previous` finishes or `patience` has passed, whichever comes first.
    static func wait(for previous: Task<Void, Never>, atMost patience: Duration) async {
        let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let resume: @Sendable () -> Void = { waiter.withLock { $0.take() }?.resume() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            waiter.withLock { $0 = continuation }
            let timer = Task {
                try? await Task.sleep(for: patience)
                resume()
            }
            Task {
                await previous.value
                timer.cancel()
                resume()
            }
        }
    }
}
