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
    /// The most single-stream append statements of this process in flight at once (default 8).
    /// Appends that may not start at once wait and share the next statement and its commit: one
    /// append per stream, up to ``maxCoalescedEvents`` events. Which may start is decided with
    /// ``appendStatementsAnySize``, ``appendStatementMinEvents`` and ``appendEventsInFlight``.
    /// `0` turns coalescing off: every append is its own statement. Transactions
    /// (``EventStore/transaction(_:)``) never coalesce.
    ///
    /// The defaults suit a PostgreSQL server with a few cores (measured on a 2-core machine, see
    /// `docs/benchmarks.md`); a server with many cores may want more statements and events in flight.
    public var appendStatements: Int
    /// How many append statements may be in flight whatever they carry (default 1). A lone writer
    /// never waits; with one statement in flight, the next starts only with
    /// ``appendStatementMinEvents`` events (8 writers of single events then share statements of
    /// about four instead of running as pairs: 0.94 of raw inserts against 0.67-0.69 with 2).
    public var appendStatementsAnySize: Int
    /// The fewest events of the first append statement beyond ``appendStatementsAnySize`` in flight
    /// (default 4); the n-th further one carries at least n times as many. Smaller appends wait and
    /// gather into one statement.
    public var appendStatementMinEvents: Int
    /// Beyond ``appendStatementsAnySize`` and one more, a further append statement starts only
    /// while fewer events than this are in flight (default 1,000): many writers of batches share a
    /// few large statements instead of crowding the server's cores and index pages. (The one more
    /// is exempt so that a statement can run while a large one commits.)
    public var appendEventsInFlight: Int
    /// The most events one coalesced statement carries (default 1,000).
    public var maxCoalescedEvents: Int
    /// How long one append statement may hold its slot before the slot is freed and the queued
    /// appends it carries are handed back to run on their own (default 60 s): a guard against a
    /// statement the driver never answers.
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
        appendStatements: Int = 8,
        appendStatementsAnySize: Int = 1,
        appendStatementMinEvents: Int = 4,
        appendEventsInFlight: Int = 1000,
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
        self.appendStatementsAnySize = appendStatementsAnySize
        self.appendStatementMinEvents = appendStatementMinEvents
        self.appendEventsInFlight = appendEventsInFlight
        self.maxCoalescedEvents = maxCoalescedEvents
        self.appendStatementDeadline = appendStatementDeadline
    }
}
