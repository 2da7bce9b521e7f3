/// Exponential back-off: the wait before retry number `n` (0 for the first) is
/// `min(cap, base × 2ⁿ)`, with or without jitter. Every retry loop of the package waits with it:
/// listeners reconnecting, subscriptions and projection runners after a failure, push deliveries,
/// the client's requests.
public struct Backoff: Sendable {
    /// How much of the exponential step is left to chance.
    public enum Jitter: Sendable, Hashable {
        /// No randomness: exactly the step.
        case none
        /// Half the step plus a random share of the other half ("equal jitter").
        case equal
        /// A random share of the whole step, from zero ("full jitter").
        case full
    }

    /// The wait before the first retry (before jitter).
    public var base: Duration
    /// The longest wait (before jitter).
    public var cap: Duration
    /// How the step is randomised.
    public var jitter: Jitter
    /// A random number in `0...1`; injected so that tests are deterministic. Values outside are clamped.
    public var random: @Sendable () -> Double

    /// Creates a back-off.
    ///
    /// - Parameters:
    ///   - base: The wait before the first retry.
    ///   - cap: The longest wait.
    ///   - jitter: How the step is randomised (default none).
    ///   - random: A random number in `0...1` (default: the system generator).
    public init(base: Duration, cap: Duration, jitter: Jitter = .none, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
        self.random = random
    }

    /// The step before retry number `retry` (0 for the first): `min(cap, base × 2^retry)`, the
    /// exponent held between 0 and 30.
    public func step(retry: Int) -> Duration {
        let exponent = min(max(retry, 0), 30)
        let step = base * (1 << exponent)
        return step < cap ? step : cap
    }

    /// The wait before retry number `retry` (0 for the first): ``step(retry:)`` with the jitter applied.
    public func delay(retry: Int) -> Duration {
        let step = step(retry: retry)
        switch jitter {
        case .none: return step
        case .equal: return step / 2 + (step / 2) * fraction()
        case .full: return step * fraction()
        }
    }

    private func fraction() -> Double {
        min(max(random(), 0), 1)
    }
}
