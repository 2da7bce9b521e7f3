/// The result of ``LogVerifier/verify(from:progress:)``.
public struct LogVerification: Sendable, Hashable {
    /// Events whose content, order and presence matched their seals.
    public var eventsVerified: Int
    /// Seal blocks checked.
    public var blocksVerified: Int
    /// The first difference, or `nil` when the log matches its seals.
    public var mismatch: LogMismatch?
    /// The chain's newest block as verified (its hash, hex-encoded, is worth keeping outside the
    /// database: a later run that ends on the same block must end on the same hash).
    public var head: LogSealHead
    /// Events readable now that are not sealed yet (the sealer runs behind the writers).
    public var unsealed: Int

    /// Creates a result.
    public init(eventsVerified: Int, blocksVerified: Int, mismatch: LogMismatch?, head: LogSealHead, unsealed: Int) {
        self.eventsVerified = eventsVerified
        self.blocksVerified = blocksVerified
        self.mismatch = mismatch
        self.head = head
        self.unsealed = unsealed
    }

    /// Whether the log matches its seals.
    public var isIntact: Bool { mismatch == nil }
}
