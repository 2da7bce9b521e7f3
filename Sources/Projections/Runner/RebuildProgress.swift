/// How far a rebuild has come, reported after every batch.
public struct RebuildProgress: Sendable {
    /// The projection being rebuilt.
    public var name: String
    /// Events applied to the shadow tables so far.
    public var applied: Int64
    /// Events the rebuild expects in all (those in the log when it started; more may arrive).
    public var expected: Int64
    /// Time since the rebuild started.
    public var elapsed: Duration
}
