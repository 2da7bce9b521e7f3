/// How a ``PushDispatcher`` claims, sends and retries.
public struct PushDispatcherOptions: Sendable {
    /// Deliveries claimed per round.
    public var batchSize: Int = 1000
    /// Sends in flight at once per dispatcher.
    public var concurrency: Int = 256
    /// How long a claim lasts; a crashed dispatcher's rows return after it.
    public var lease: Duration = .seconds(60)
    /// Attempts before a delivery is `dead`.
    public var maxAttempts: Int = 8
    /// Back-off before the second attempt; doubled per attempt, with jitter.
    public var backoffBase: Duration = .seconds(2)
    /// Longest back-off.
    public var backoffCap: Duration = .seconds(3600)
    /// Wait between polls when nothing is due: a new delivery waits at most this long (plus the
    /// outbox projection's own lag) before a dispatcher claims it.
    public var idlePoll: Duration = .milliseconds(250)
    /// How long a channel stays paused after a credential error before one delivery probes it;
    /// doubled per consecutive pause, up to 64 times.
    public var pauseProbe: Duration = .seconds(60)
    /// How often deliveries that expired while waiting are marked `expired`.
    public var sweepInterval: Duration = .seconds(10)
    /// How long an outcome may wait before it is recorded, while the rest of its round is still
    /// being sent: a crash resends what was in flight and, at most, what was answered within
    /// this last interval.
    public var outcomeFlushInterval: Duration = .milliseconds(500)
    /// Outcomes recorded together at most; more waiting are recorded at once, without waiting
    /// for ``outcomeFlushInterval``.
    public var outcomeFlushSize: Int = 250

    /// Default options.
    public init() {}
}
