/// What ``LogSealer/sealAvailable(timeout:progress:)`` did.
public struct LogSealReport: Sendable, Hashable {
    /// Events this call sealed.
    public var sealedNow: Int
    /// Blocks this call wrote.
    public var blocksNow: Int
    /// The chain's newest block afterwards.
    public var head: LogSealHead
    /// Whether another process held the seal lease, so this call waited for it instead of sealing.
    public var waitedForHolder: Bool

    /// Creates a report.
    public init(sealedNow: Int, blocksNow: Int, head: LogSealHead, waitedForHolder: Bool) {
        self.sealedNow = sealedNow
        self.blocksNow = blocksNow
        self.head = head
        self.waitedForHolder = waitedForHolder
    }
}
