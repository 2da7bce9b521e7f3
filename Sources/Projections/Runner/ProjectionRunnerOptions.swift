/// How a projection runner batches, waits and recovers.
public struct ProjectionRunnerOptions: Sendable {
    /// The most events applied in one transaction.
    public var batchSize: Int
    /// How often a standby tries to take the lease.
    public var leaseRetryInterval: Duration
    /// How often a failed projection checks whether an operator retried or skipped it.
    public var failedPollInterval: Duration
    /// Rebuild (blue/green) a projection whose stored version differs from the code's, at start.
    public var rebuildOnVersionChange: Bool
    /// Events per transaction while rebuilding into a shadow schema.
    public var rebuildBatchSize: Int
    /// The longest one database step of the runner (a batch, taking the lease) may take before
    /// the runner gives up on its connection and starts over.
    public var operationTimeout: Duration
    /// How often a caught-up runner checks its checkpoint row for an operator's reset, retry or
    /// skip, and looks for the log's readable horizon to skip events it does not read.
    public var idleCheckInterval: Duration
    /// How often an idle runner stores how far it has read past events it does not read, so its
    /// checkpoint (and the lag an operator sees) follows the log instead of its last own event.
    public var skipSaveInterval: Duration

    /// Creates options; the defaults suit a production server.
    public init(
        batchSize: Int = 500,
        leaseRetryInterval: Duration = .seconds(2),
        failedPollInterval: Duration = .seconds(1),
        rebuildOnVersionChange: Bool = true,
        rebuildBatchSize: Int = 10_000,
        operationTimeout: Duration = .seconds(60),
        idleCheckInterval: Duration = .milliseconds(250),
        skipSaveInterval: Duration = .seconds(5)
    ) {
        self.skipSaveInterval = skipSaveInterval
        self.idleCheckInterval = idleCheckInterval
        self.operationTimeout = operationTimeout
        self.batchSize = batchSize
        self.leaseRetryInterval = leaseRetryInterval
        self.failedPollInterval = failedPollInterval
        self.rebuildOnVersionChange = rebuildOnVersionChange
        self.rebuildBatchSize = rebuildBatchSize
    }
}
