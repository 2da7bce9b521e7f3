import PostgresNIO

/// The database pull pages may be read from instead of the primary: a hot standby of the primary
/// (streaming replication), or the primary itself through a second pool.
///
/// ``PullService`` reads a page there only when the standby has replayed at least as far as the
/// cursor's chain has seen (see ``PullService`` and docs/architecture/sync.md, "Pulls from the
/// standby"); otherwise, and whenever the standby fails or takes longer than ``timeout``, it reads
/// the page from the primary.
public struct StandbyReads: Sendable {
    /// The standby's pool; the application runs it as a service.
    public let client: PostgresClient
    /// How long one attempt on the standby (a connection, the replay check, the page) may take
    /// before the page is read from the primary instead.
    public let timeout: Duration
    /// How long the standby is left alone after it failed (an error or the timeout), so that a
    /// dead standby costs one slow pull per pause, not one per pull.
    public let pause: Duration
    /// How long a page waits for the standby to replay what it must have seen (the primary's
    /// flush position when the request began, the cursor's WAL mark) before the primary answers.
    public let catchUpWait: Duration
    /// Whether the standby is paused, shared by every pull of this instance.
    let gate: StandbyGate

    /// Creates the settings.
    /// - Parameters:
    ///   - client: The standby's pool.
    ///   - timeout: How long one attempt may take before the primary answers instead.
    ///   - pause: How long the standby is not tried after it failed.
    ///   - catchUpWait: How long a page waits for the standby to catch up before the primary answers.
    public init(client: PostgresClient, timeout: Duration = .seconds(2), pause: Duration = .seconds(5), catchUpWait: Duration = .milliseconds(100)) {
        self.client = client
        self.timeout = timeout
        self.pause = pause
        self.catchUpWait = catchUpWait
        self.gate = StandbyGate()
    }
}
