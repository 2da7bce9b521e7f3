import Domain
import Foundation
import Testing

@testable import SyncServer

@Suite("Per-device token buckets")
struct DeviceRateLimiterTests {
    let start = ContinuousClock.now

    @Test("a bucket allows its burst at once, then one request per 1/rate seconds")
    func bucketArithmetic() {
        // Given a full bucket of 3 that gains 2 tokens a second
        var bucket = TokenBucket(burst: 3, now: start)
        // When 4 requests arrive at once
        let first = (0..<3).map { _ in bucket.take(rate: 2, burst: 3, now: start) }
        let fourth = bucket.take(rate: 2, burst: 3, now: start)
        // Then the burst passes and the fourth waits half a second, after which it passes
        #expect(first == [nil, nil, nil])
        #expect(fourth == .milliseconds(500))
        #expect(bucket.take(rate: 2, burst: 3, now: start + .milliseconds(500)) == nil)
        #expect(bucket.isFull(rate: 2, burst: 3, now: start + .seconds(2)))
    }

    @Test("a device past its bucket is told whole seconds to wait; another device is not affected")
    func perDevice() {
        let limiter = DeviceRateLimiter(limits: SyncRateLimits(pullsPerSecond: 0.5, pullBurst: 1), metrics: AuthMetrics())
        let (ana, bob) = (DeviceID(), DeviceID())
        #expect(limiter.take(.pull, device: ana, now: start) == nil)
        #expect(limiter.take(.pull, device: ana, now: start) == 2)
        #expect(limiter.take(.pull, device: bob, now: start) == nil)
        #expect(limiter.take(.push, device: ana, now: start) == nil)
        #expect(limiter.take(.pull, device: ana, now: start + .seconds(2)) == nil)
    }

    @Test("at most maxTrackedBuckets buckets are kept: refilled ones are dropped first, and all only when none is")
    func boundedMemory() {
        // Given a limiter that keeps 2 buckets, holding two devices that just pulled
        let limiter = DeviceRateLimiter(limits: SyncRateLimits(pullsPerSecond: 1, pullBurst: 1, maxTrackedBuckets: 2), metrics: AuthMetrics())
        let (ana, bob, carl, dana) = (DeviceID(), DeviceID(), DeviceID(), DeviceID())
        _ = limiter.take(.pull, device: ana, now: start)
        _ = limiter.take(.pull, device: bob, now: start + .seconds(1))
        #expect(limiter.count == 2)
        // When a third device pulls once ana's bucket has refilled (bob's not yet)
        _ = limiter.take(.pull, device: carl, now: start + .milliseconds(1500))
        // Then only ana's full bucket was dropped: bob is still limited
        #expect(limiter.count == 2)
        #expect(limiter.take(.pull, device: bob, now: start + .milliseconds(1500)) == 1)
        // And when none is full, all are dropped to make room
        _ = limiter.take(.pull, device: dana, now: start + .milliseconds(1600))
        #expect(limiter.count == 1)
    }
}
