import Synchronization

/// A ``ProgressBar`` that callbacks from other tasks may update.
final class SharedProgressBar: Sendable {
    private let bar: Mutex<ProgressBar>

    /// Wraps `bar`.
    init(_ bar: ProgressBar) {
        self.bar = Mutex(bar)
    }

    /// See ``ProgressBar/update(_:total:force:)``.
    func update(_ done: Int, total: Int? = nil, force: Bool = false) {
        bar.withLock { $0.update(done, total: total, force: force) }
    }

    /// See ``ProgressBar/finish()``.
    func finish() {
        bar.withLock { $0.finish() }
    }
}
