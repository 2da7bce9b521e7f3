/// What one `sync()` did.
public struct SyncReport: Sendable, Hashable {
    /// Mutations sent to the server.
    public var pushed: Int
    /// Of those, how many the server applied.
    public var applied: Int
    /// Of those, how many the server rejected (rolled back, listed in the rejections).
    public var rejected: Int
    /// Row changes received.
    public var pulled: Int
    /// Pull pages received.
    public var pages: Int
    /// Whether a page reset the replica (a snapshot).
    public var reset: Bool
    /// Where the pull spent its time, summed over its pages.
    public var pullTimings: PullTimings = PullTimings()

    /// Creates a report.
    public init(pushed: Int = 0, applied: Int = 0, rejected: Int = 0, pulled: Int = 0, pages: Int = 0, reset: Bool = false) {
        self.pushed = pushed
        self.applied = applied
        self.rejected = rejected
        self.pulled = pulled
        self.pages = pages
        self.reset = reset
    }
}
