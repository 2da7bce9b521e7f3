extension EventStore {
    /// A counter that moves whenever a commit notification arrives: take it before reading, then
    /// pass it to ``waitForCommit(after:timeout:)`` so that a commit between the two is not missed.
    public func commitGeneration() async -> UInt64 {
        await listener.currentGeneration()
    }

    /// Returns when a commit newer than `generation` was notified, when `timeout` passes, or on
    /// cancellation: the building block for readers that poll the log on their own terms.
    public func waitForCommit(after generation: UInt64, timeout: Duration) async {
        await listener.wait(after: generation, timeout: timeout)
    }
}
