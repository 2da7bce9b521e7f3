import Commands
import EventStore
import Logging
import SyncProtocol

/// Lets concurrent pushes of different devices share one transaction, the way the event store's
/// appends share a statement.
///
/// At most ``limit`` groups of pushes are applied at once in this instance. A push that arrives
/// while all of them are busy waits, and the next free slot takes every waiting push (one per
/// device, up to ``maxMutations`` mutations) into one group: one query for their stored answers,
/// one for their streams, and one transaction for their events and answers
/// (``SyncPushApplier/apply(_:)``). A lone push never waits. Under load, 32 devices pushing one
/// mutation each then pay for a few round trips and commits instead of 32 times six.
///
/// Each push keeps its own answers and exactly-once rules: a mutation the domain refuses is
/// answered alone, and when the group as a whole cannot be written (a stream another instance
/// moved, an answer another instance stored first, a value the store refuses) each push runs on
/// its own, as it would have without the group. A group that has not finished after
/// ``deadline`` is abandoned: its pushes are answered `unavailable` (retrying them is safe: a
/// mutation that was written after all is found under its idempotency key) and the slot is free
/// again, so a database call that never returns cannot stop every later push.
actor PushCombiner {
    private struct Waiter {
        var push: PendingPush
        var continuation: CheckedContinuation<Result<SyncPushResponse, any Error>, Never>
    }

    /// The most groups applied at once.
    let limit: Int
    /// The most mutations in one group (a single larger push still runs on its own).
    let maxMutations: Int
    /// How long a group may run before its pushes are answered `unavailable`.
    let deadline: Duration
    private let applier: SyncPushApplier
    private var waiting: [Waiter] = []
    private var running = 0

    /// Creates a combiner applying through `applier`.
    init(applier: SyncPushApplier, limit: Int, maxMutations: Int, deadline: Duration) {
        self.applier = applier
        self.limit = max(1, limit)
        self.maxMutations = max(1, maxMutations)
        self.deadline = deadline
    }

    /// Applies `push`, alone or with others that wait at the same time.
    func submit(_ push: PendingPush) async throws -> SyncPushResponse {
        let result = await withCheckedContinuation { continuation in
            waiting.append(Waiter(push: push, continuation: continuation))
            if running < limit {
                running += 1
                Task { await self.drain() }
            }
        }
        return try result.get()
    }

    /// Applies groups until nobody waits.
    private func drain() async {
        while let group = nextGroup() {
            let pushes = group.map(\.push)
            let applier = applier
            let results =
                await Deadline.run(timeout: deadline) { await applier.apply(pushes) }
                ?? pushes.map { _ in
                    .failure(CommandError(.unavailable, "the push took too long to store; retry it (a mutation that was stored is answered as it was)"))
                }
            for (waiter, result) in zip(group, results) { waiter.continuation.resume(returning: result) }
        }
        running -= 1
    }

    /// Takes the oldest waiting pushes: one per device, within the mutation limit, in arrival order.
    private func nextGroup() -> [Waiter]? {
        guard !waiting.isEmpty else { return nil }
        var group: [Waiter] = []
        var rest: [Waiter] = []
        var devices = Set<SyncDevice>()
        var mutations = 0
        for waiter in waiting {
            let count = waiter.push.request.mutations.count
            let device = SyncDevice(waiter.push.identity)
            if group.isEmpty || (!devices.contains(device) && mutations + count <= maxMutations) {
                group.append(waiter)
                devices.insert(device)
                mutations += count
            } else {
                rest.append(waiter)
            }
        }
        waiting = rest
        return group
    }
}
