/// Limits and timings of an ``EventStore``.
public struct EventStoreConfiguration: Sendable, Hashable {
    /// The largest data plus metadata of one event, in bytes (default 1 MiB).
    public var maxPayloadBytes: Int
    /// The most events one append may carry (default 10,000).
    public var maxBatchEvents: Int
    /// The most events one read may return (default 50,000: a rebuild reads big pages).
    public var maxPageSize: Int
    /// How often an idle subscription polls when no notification wakes it (default 1 s).
    public var pollInterval: Duration
    /// How many times an append with `.any` or `.streamExists` retries after losing a race for the
    /// next stream version (default 100), with a short random pause from the third try on.
    public var anyVersionRetries: Int
    /// The name of the NOTIFY channel that wakes subscribers after commits (a ``NotifyChannel``:
    /// its real name carries a random part only the server's role can read).
    public var notifyChannel: String
    /// How long a subscription waits for one page before it abandons the read and retries
    /// (default 30 s). Guards against a connection that died without the driver noticing.
    public var readTimeout: Duration
    /// How many single-stream append statements of this process run at once (default 4). Appends
    /// that arrive while all are busy share the next free statement and its commit: one append
    /// per stream, up to ``maxCoalescedEvents`` events. `0` turns coalescing off: every append
    /// is its own statement. Transactions (``EventStore/transaction(_:)``) never coalesce.
    ///
    /// The default suits a PostgreSQL server with a few cores: on the 2-core benchmark machine,
    /// 32 writers of 100-event batches reached 0.71-0.81 of raw inserts with 4 statements in
    /// flight and 0.68-0.70 with 8 (more statements only contend for the same index pages and
    /// CPU). Raise it for a server with many cores (`docs/benchmarks.md`).
    public var appendStatements: Int
    /// The most events one coalesced statement carries (default 1,000).
    public var maxCoalescedEvents: Int
    /// How long one append statement may hold its slot before its appends are handed back to run
    /// on their own (default 60 s): a guard against a statement the driver never answers.
    public var appendStatementDeadline: Duration

    /// Creates a configuration; every value has a production default.
    public init(
        maxPayloadBytes: Int = 1 << 20,
        maxBatchEvents: Int = 10_000,
        maxPageSize: Int = 50_000,
        pollInterval: Duration = .seconds(1),
        anyVersionRetries: Int = 100,
        notifyChannel: String = "tidemark_events",
        readTimeout: Duration = .seconds(30),
        appendStatements: Int = 4,
        maxCoalescedEvents: Int = 1000,
        appendStatementDeadline: Duration = .seconds(60)
    ) {
        self.maxPayloadBytes = maxPayloadBytes
        self.maxBatchEvents = maxBatchEvents
        self.maxPageSize = maxPageSize
        self.pollInterval = pollInterval
        self.anyVersionRetries = anyVersionRetries
        self.notifyChannel = notifyChannel
        self.readTimeout = readTimeout
        self.appendStatements = appendStatements
        self.maxCoalescedEvents = maxCoalescedEvents
        self.appendStatementDeadline = appendStatementDeadline
    }
}
