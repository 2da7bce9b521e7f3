import Synchronization

/// Runs an operation with a deadline, without waiting for an operation that ignores cancellation.
///
/// A query on a connection the server killed can, rarely, never be answered by the driver. A
/// structured timeout would wait for it forever (a task group awaits all its children), so the
/// operation runs in its own task: on timeout it is cancelled and abandoned, and the caller gets
/// `nil` at once.
public enum Deadline {
    /// The shared state of one run: who finished first and who waits.
    private struct State<Value: Sendable>: ~Copyable {
        var continuation: CheckedContinuation<Value?, Never>?
        var result: Value?
        var done = false
    }

    /// The operation's result, or `nil` when `timeout` passed (or the caller was cancelled) first.
    public static func run<Value: Sendable>(
        timeout: Duration,
        _ operation: @escaping @Sendable () async -> Value
    ) async -> Value? {
        let state = Mutex(State<Value>())
        let finish: @Sendable (Value?) -> Void = { value in
            let continuation = state.withLock { state -> CheckedContinuation<Value?, Never>? in
                guard !state.done else { return nil }
                state.done = true
                state.result = value
                let waiting = state.continuation
                state.continuation = nil
                return waiting
            }
            continuation?.resume(returning: value)
        }
        let worker = Task { finish(await operation()) }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled {
                worker.cancel()
                finish(nil)
            }
        }
        return await withTaskCancellationHandler {
            let value = await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let finished = state.withLock { state -> (Bool, Value?) in
                    if state.done { return (true, state.result) }
                    state.continuation = continuation
                    return (false, nil)
                }
                if finished.0 { continuation.resume(returning: finished.1) }
            }
            timer.cancel()
            return value
        } onCancel: {
            worker.cancel()
            timer.cancel()
            finish(nil)
        }
    }

    /// Runs a throwing operation with a deadline: its value, its error, or `nil` when `timeout`
    /// passed first (the caller decides what a missed deadline means; when the caller itself was
    /// cancelled, `CancellationError` is thrown instead of returning `nil`).
    public static func attempt<Value: Sendable>(
        timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value? {
        let result = await run(timeout: timeout) { () async -> Result<Value, any Error> in
            do { return .success(try await operation()) } catch { return .failure(error) }
        }
        guard let result else {
            if Task.isCancelled { throw CancellationError() }
            return nil
        }
        return try result.get()
    }
}
