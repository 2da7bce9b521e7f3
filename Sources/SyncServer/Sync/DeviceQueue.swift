/// Runs one device's pushes (of one user of one tenant) one after another within this server
/// instance, without holding a database connection while it waits. Shared mutable state, hence an
/// actor.
///
/// Across instances no lock is needed for correctness: every mutation runs as a command whose
/// idempotency key is derived from the tenant, user, device and mutation id, so two instances racing on a
/// retried batch store its events once, and each answer is recorded once (`ON CONFLICT DO
/// NOTHING`); each instance still walks the batch in sequence order.
actor DeviceQueue {
    private var tails: [SyncDevice: Task<Void, Never>] = [:]

    /// Runs `body` after every earlier call for `device` has finished.
    func run<Result: Sendable>(_ device: SyncDevice, _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let previous = tails[device]
        let task = Task<Result, any Error> {
            await previous?.value
            return try await body()
        }
        let tail = Task<Void, Never> { _ = try? await task.value }
        tails[device] = tail
        let result = await task.result
        // The last call of a burst removes the device's entry.
        if tails[device] == tail { tails[device] = nil }
        return try result.get()
    }
}
