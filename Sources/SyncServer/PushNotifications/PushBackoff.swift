/// Exponential back-off with jitter that never undercuts the provider's `Retry-After`.
public struct PushBackoff: Sendable {
    /// Back-off after the first attempt (before jitter).
    public var base: Duration
    /// Longest back-off (before honouring `Retry-After`).
    public var cap: Duration
    /// A random number in `0..<1`; injected so tests are deterministic.
    public var random: @Sendable () -> Double

    /// Creates a back-off.
    public init(base: Duration, cap: Duration, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.base = base
        self.cap = cap
        self.random = random
    }

    /// The wait after attempt number `attempt` (1 = the first) failed: half the exponential step
    /// plus a random share of the other half ("equal jitter"), and never less than `retryAfter`.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let step = min(cap, base * (1 << exponent))
        let jittered = step / 2 + (step / 2) * min(max(random(), 0), 1)
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }
}
