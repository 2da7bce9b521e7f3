import Synchronization

/// When `synccli serve` got its first stop signal, shared between the task that traps signals and
/// the one that reports the end of the shutdown.
final class ShutdownClock: Sendable {
    private let started = Mutex<ContinuousClock.Instant?>(nil)

    /// Records now as the start, the first time; `false` when a signal came before.
    func start() -> Bool {
        started.withLock { value in
            guard value == nil else { return false }
            value = .now
            return true
        }
    }

    /// How long ago the first signal came, if one did.
    var elapsed: Duration? { started.withLock { $0.map { ContinuousClock.now - $0 } } }
}
