import EventStore
import Synchronization

/// Runs the commands of one stream one at a time within this instance: a keyed FIFO lock, one
/// queue of waiters per stream name, shared by every copy of a ``CommandService``.
///
/// Without it, concurrent commands on one stream all load the same version, all decide, and all
/// but one fail their append and retry (each retry a full load): on a busy record most of the
/// work is thrown away. Queued here instead, each command loads the version the one before it
/// left and appends without a conflict. Across instances the append's expected version still
/// decides (the lock is an optimisation, never needed for correctness).
///
/// - Several streams are always taken in one order (by name), so two holders of overlapping sets
///   cannot wait for each other; a holder never takes more streams later.
/// - Waiting is bounded by ``patience``: after it the caller gets ``CommandError`` `contention`
///   (`503`, retried by clients), never an unbounded wait.
/// - A waiter whose task is cancelled leaves the queue at once; a holder releases on every path
///   (``withLocks(_:_:)`` releases after the body returns or throws).
///
/// Shared mutable state guarded by a `Mutex` rather than an actor: the cancellation handler is
/// synchronous and must take a waiter out of its queue before it returns.
package final class StreamLocks: Sendable {
    /// A queued command: resumed with `nil` when the stream is handed to it, or with the reason it
    /// stopped waiting.
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        /// Streams held by some command, each with the commands waiting for it in arrival order.
        var queues: [StreamName: [Waiter]] = [:]
        var nextID: UInt64 = 0
    }

    /// Why a waiter stopped waiting.
    private enum Stop: Error {
        case timedOut
        case cancelled
    }

    private let state = Mutex(State())
    /// The longest a command waits for the streams it needs.
    package let patience: Duration

    /// Creates the locks; commands wait at most `patience` for their streams.
    package init(patience: Duration) {
        self.patience = patience
    }

    /// The number of streams held now (for tests and metrics).
    package var heldCount: Int {
        state.withLock { $0.queues.count }
    }

    /// The number of commands waiting for `stream` now (for tests).
    package func waiting(on stream: StreamName) -> Int {
        state.withLock { $0.queues[stream]?.count ?? 0 }
    }

    /// Runs `body` while holding every stream of `streams` (taken in name order, each released
    /// when `body` returns or throws).
    ///
    /// - Throws: ``CommandError`` `contention` when the streams were not all free within
    ///   ``patience``, `unavailable` when the task was cancelled while waiting, or what `body` throws.
    package func withLocks<Value>(
        _ streams: [StreamName], _ body: () async throws(CommandError) -> Value
    ) async throws(CommandError) -> Value {
        let ordered = Set(streams).sorted { $0.rawValue < $1.rawValue }
        let deadline = ContinuousClock.now + patience
        var held: [StreamName] = []
        for stream in ordered {
            do {
                try await acquire(stream, until: deadline)
                held.append(stream)
            } catch {
                release(held)
                if case .timedOut = error as? Stop {
                    throw CommandError(
                        .contention, "'\(stream)' was busy with other commands for longer than \(patience); retry it")
                }
                throw CommandError(.unavailable, "the command was cancelled while it waited for '\(stream)'")
            }
        }
        do {
            let result = try await body()
            release(held)
            return result
        } catch {
            release(held)
            throw error
        }
    }

    /// Takes `stream`, waiting behind earlier callers until `deadline`.
    private func acquire(_ stream: StreamName, until deadline: ContinuousClock.Instant) async throws {
        // Uncontended: take it at once, without a timer.
        let id = state.withLock { state -> UInt64? in
            if state.queues[stream] == nil {
                state.queues[stream] = []
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            guard !Task.isCancelled else { return }
            self?.stopWaiting(id, on: stream, because: .timedOut)
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let grantedNow = state.withLock { state -> Bool? in
                    if Task.isCancelled { return nil }
                    if state.queues[stream] == nil {
                        state.queues[stream] = []
                        return true
                    }
                    state.queues[stream, default: []].append(Waiter(id: id, continuation: continuation))
                    return false
                }
                switch grantedNow {
                case .some(true): continuation.resume()
                case .none: continuation.resume(throwing: Stop.cancelled)
                case .some(false): break
                }
            }
        } onCancel: {
            stopWaiting(id, on: stream, because: .cancelled)
        }
    }

    /// Takes waiter `id` out of the queue of `stream` and resumes it with `reason`; nothing when it
    /// was handed the stream already (it then releases it itself).
    private func stopWaiting(_ id: UInt64, on stream: StreamName, because reason: Stop) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.queues[stream]?.firstIndex(where: { $0.id == id }) else { return nil }
            return state.queues[stream]?.remove(at: index)
        }
        waiter?.continuation.resume(throwing: reason)
    }

    /// Releases `streams`, handing each to its first waiter, if any.
    private func release(_ streams: [StreamName]) {
        for stream in streams.reversed() {
            let next = state.withLock { state -> Waiter? in
                guard var waiters = state.queues[stream], !waiters.isEmpty else {
                    state.queues[stream] = nil
                    return nil
                }
                let first = waiters.removeFirst()
                state.queues[stream] = waiters
                return first
            }
            next?.continuation.resume()
        }
    }
}
