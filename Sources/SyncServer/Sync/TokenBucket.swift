/// A token bucket: holds at most `burst` tokens, gains `rate` tokens a second, and each request
/// takes one. A value type, so its arithmetic is tested without clocks or locks.
struct TokenBucket: Sendable, Equatable {
    /// Tokens available now (fractions accumulate).
    private(set) var tokens: Double
    /// When ``tokens`` was last brought up to date.
    private(set) var updated: ContinuousClock.Instant

    /// A full bucket.
    init(burst: Double, now: ContinuousClock.Instant) {
        self.tokens = burst
        self.updated = now
    }

    /// Refills for the time passed, then takes one token.
    /// - Returns: `nil` when a token was taken; otherwise how long until one will be there.
    mutating func take(rate: Double, burst: Double, now: ContinuousClock.Instant) -> Duration? {
        refill(rate: rate, burst: burst, now: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        guard rate > 0 else { return .seconds(3600) }
        return .seconds((1 - tokens) / rate)
    }

    /// Whether the bucket is full at `now` (so forgetting it changes nothing).
    func isFull(rate: Double, burst: Double, now: ContinuousClock.Instant) -> Bool {
        var copy = self
        copy.refill(rate: rate, burst: burst, now: now)
        return copy.tokens >= burst
    }

    private mutating func refill(rate: Double, burst: Double, now: ContinuousClock.Instant) {
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if seconds > 0 {
            tokens = min(burst, tokens + seconds * rate)
            updated = now
        }
    }
}
