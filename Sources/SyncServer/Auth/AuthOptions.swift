/// Lifetimes and limits of sign-in.
public struct AuthOptions: Sendable {
    /// Access-token lifetime in seconds (default 15 minutes).
    public var accessTokenSeconds: Int
    /// Refresh-token lifetime in seconds (default 30 days); every refresh starts it again.
    public var refreshTokenSeconds: Int
    /// Failed sign-ins per username (within ``failureWindowSeconds``) before sign-in is refused.
    public var maxFailures: Int
    /// The window in which failures count, in seconds (default 15 minutes).
    public var failureWindowSeconds: Int

    /// Creates options.
    public init(accessTokenSeconds: Int = 900, refreshTokenSeconds: Int = 30 * 86_400, maxFailures: Int = 5, failureWindowSeconds: Int = 900) {
        self.accessTokenSeconds = accessTokenSeconds
        self.refreshTokenSeconds = refreshTokenSeconds
        self.maxFailures = maxFailures
        self.failureWindowSeconds = failureWindowSeconds
    }
}
