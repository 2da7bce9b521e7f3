import Basics

/// How the client waits between attempts after a transient failure: exponential backoff with
/// full jitter (a random delay between zero and `min(cap, base × 2^attempt)`).
///
/// Tests inject ``immediate`` (or their own `sleep`) so nothing waits.
public struct RetryPolicy: Sendable {
    /// The first attempt's upper bound.
    public var base: Duration
    /// The largest delay.
    public var cap: Duration
    /// Attempts per request inside one `sync()` before it gives up and the state goes `offline`.
    public var maxAttempts: Int
    /// The longest wait before reconnecting the live socket after the server closed it because it
    /// is shutting down (``LiveClose/asksToReconnect``): a random delay in `0...restartJitter`,
    /// so that the clients of a stopping instance do not all reconnect in the same millisecond.
    public var restartJitter: Duration
    /// A random number in `0...1`; the delay is this fraction of the bound.
    public var random: @Sendable () -> Double
    /// Waits; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a policy.
    /// - Parameters:
    ///   - base: The first attempt's upper bound (default 0.5 s).
    ///   - cap: The largest delay (default 30 s).
    ///   - maxAttempts: Attempts per request within one sync (default 4).
    ///   - restartJitter: The longest wait before reconnecting to a server that is shutting down (default 1 s).
    ///   - random: A random fraction in `0...1` (default: the system generator).
    ///   - sleep: How to wait (default: `Task.sleep(for:)`).
    public init(
        base: Duration = .milliseconds(500),
        cap: Duration = .seconds(30),
        maxAttempts: Int = 4,
        restartJitter: Duration = .seconds(1),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.base = base
        self.cap = cap
        self.maxAttempts = max(1, maxAttempts)
        self.restartJitter = max(restartJitter, .zero)
        self.random = random
        self.sleep = sleep
    }

    /// The production policy: 0.5 s base, 30 s cap, 4 attempts per request.
    public static var standard: RetryPolicy { RetryPolicy() }

    /// A policy that never waits (for tests): the same attempts, zero delays.
    public static var immediate: RetryPolicy {
        RetryPolicy(base: .zero, cap: .zero, restartJitter: .zero, sleep: { _ in try Task.checkCancellation() })
    }

    /// The policy's back-off: `base`, `cap` and full jitter from `random`.
    public var backoff: Backoff {
        Backoff(base: base, cap: cap, jitter: .full, random: random)
    }

    /// The upper bound of the delay before retry number `attempt` (0 for the first retry).
    /// - Parameter attempt: How many attempts failed before, minus one.
    /// - Returns: `min(cap, base × 2^attempt)`.
    public func bound(forAttempt attempt: Int) -> Duration {
        backoff.step(retry: attempt)
    }

    /// The wait before reconnecting after the server asked for it (it is shutting down): uniformly
    /// in `0...restartJitter`, whatever failed before.
    public func restartDelay() -> Duration {
        restartJitter * min(max(random(), 0), 1)
    }

    /// The jittered delay before retry number `attempt`: uniformly in `0...bound(forAttempt:)`.
    /// - Parameter attempt: How many attempts failed before, minus one.
    /// - Returns: The delay.
    public func delay(forAttempt attempt: Int) -> Duration {
        backoff.delay(retry: attempt)
    }
}
