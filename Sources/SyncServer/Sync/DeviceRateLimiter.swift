import Domain
import Synchronization

/// The push and pull token buckets of the devices this instance serves, in bounded memory.
///
/// When ``SyncRateLimits/maxTrackedBuckets`` buckets are held, the full ones (idle long enough to
/// have refilled, so forgetting them changes nothing) are dropped; if every bucket is still in use,
/// all are dropped, which only lets devices burst once more.
final class DeviceRateLimiter: Sendable {
    /// The kind of request limited.
    enum Kind: String, Sendable, Hashable {
        case push, pull
    }

    private struct Key: Hashable {
        var device: DeviceID
        var kind: Kind
    }

    let limits: SyncRateLimits
    private let metrics: AuthMetrics
    private let buckets = Mutex<[Key: TokenBucket]>([:])

    init(limits: SyncRateLimits, metrics: AuthMetrics) {
        self.limits = limits
        self.metrics = metrics
    }

    /// Takes a token of `device`'s `kind` bucket.
    /// - Returns: `nil` when the request may go on, otherwise the whole seconds to wait (at least 1).
    func take(_ kind: Kind, device: DeviceID, now: ContinuousClock.Instant = .now) -> Int? {
        let (rate, burst) = parameters(kind)
        guard rate > 0 else { return nil }
        let capacity = max(1, limits.maxTrackedBuckets)
        let wait: Duration? = buckets.withLock { buckets in
            let key = Key(device: device, kind: kind)
            if buckets[key] == nil, buckets.count >= capacity {
                buckets = buckets.filter { entry in
                    let (rate, burst) = parameters(entry.key.kind)
                    return !entry.value.isFull(rate: rate, burst: burst, now: now)
                }
                if buckets.count >= capacity { buckets.removeAll(keepingCapacity: true) }
            }
            var bucket = buckets[key] ?? TokenBucket(burst: burst, now: now)
            let wait = bucket.take(rate: rate, burst: burst, now: now)
            buckets[key] = bucket
            return wait
        }
        guard let wait else { return nil }
        metrics.rateLimited(kind.rawValue)
        let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        return max(1, Int(seconds.rounded(.up)))
    }

    /// How many buckets are held (for tests of the memory bound).
    var count: Int { buckets.withLock { $0.count } }

    private func parameters(_ kind: Kind) -> (rate: Double, burst: Double) {
        switch kind {
        case .push: (limits.pushesPerSecond, Double(max(1, limits.pushBurst)))
        case .pull: (limits.pullsPerSecond, Double(max(1, limits.pullBurst)))
        }
    }
}
