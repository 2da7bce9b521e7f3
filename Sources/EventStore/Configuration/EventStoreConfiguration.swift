/// Limits and timings of an ``EventStore``.
public struct EventStoreConfiguration: Sendable, Hashable {
    /// The largest data plus metadata of one event, in bytes (default 1 MiB).
    public var maxPayloadBytes: Int
    /// The most events one append may carry (default 10,000).
    public var maxBatchEvents: Int
    /// The most events one read may return (default 10,000).
    public var maxPageSize: Int
    /// How often an idle subscription polls when no notification wakes it (default 1 s).
    public var pollInterval: Duration
    /// How many times an append with `.any` or `.streamExists` retries after losing a race for the
    /// next stream version (default 20).
    public var anyVersionRetries: Int
    /// The NOTIFY channel that wakes subscribers after commits.
    public var notifyChannel: String

    /// Creates a configuration; every value has a production default.
    public init(
        maxPayloadBytes: Int = 1 << 20,
        maxBatchEvents: Int = 10_000,
        maxPageSize: Int = 10_000,
        pollInterval: Duration = .seconds(1),
        anyVersionRetries: Int = 20,
        notifyChannel: String = "tidemark_events"
    ) {
        self.maxPayloadBytes = maxPayloadBytes
        self.maxBatchEvents = maxBatchEvents
        self.maxPageSize = maxPageSize
        self.pollInterval = pollInterval
        self.anyVersionRetries = anyVersionRetries
        self.notifyChannel = notifyChannel
    }
}
