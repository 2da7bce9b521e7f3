/// Per-device limits on push and pull requests: a token bucket for each device and kind, kept in
/// the memory of each server instance (so with several instances behind a balancer a device may get
/// up to that many times the rate).
public struct SyncRateLimits: Sendable {
    /// Pull requests a device may make per second, sustained (default 50; 0 turns pull limits off).
    public var pullsPerSecond: Double
    /// Pull requests a device may make at once after being idle (default 300: a snapshot of 150,000 rows in pages of 500).
    public var pullBurst: Int
    /// Push requests a device may make per second, sustained (default 10; 0 turns push limits off).
    public var pushesPerSecond: Double
    /// Push requests a device may make at once after being idle (default 30).
    public var pushBurst: Int
    /// The most buckets an instance keeps (default 100,000); full ones are forgotten first.
    public var maxTrackedBuckets: Int

    /// Creates limits.
    public init(
        pullsPerSecond: Double = 50, pullBurst: Int = 300, pushesPerSecond: Double = 10, pushBurst: Int = 30,
        maxTrackedBuckets: Int = 100_000
    ) {
        self.pullsPerSecond = pullsPerSecond
        self.pullBurst = pullBurst
        self.pushesPerSecond = pushesPerSecond
        self.pushBurst = pushBurst
        self.maxTrackedBuckets = maxTrackedBuckets
    }
}
