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
    /// Seconds after a rotation during which the previous refresh token, presented again, rotates
    /// once more instead of revoking the session (a client retrying after a lost answer); 0 turns
    /// this off. Default 30.
    public var refreshRetryGraceSeconds: Int
    /// How long this instance trusts that a session it checked is still live, in milliseconds
    /// (default 1000; 0 checks `auth_sessions` on every request). A revocation through another
    /// instance takes effect here within this time; through this instance, at once.
    public var sessionCheckCacheMilliseconds: Int

    /// Creates options.
    public init(accessTokenSeconds: Int = 900, refreshTokenSeconds: Int = 30 * 86_400, maxFailures: Int = 5, failureWindowSeconds: Int = 900,
        refreshRetryGraceSeconds: Int = 30, sessionCheckCacheMilliseconds: Int = 1000
    ) {
        self.sessionCheckCacheMilliseconds = sessionCheckCacheMilliseconds
        self.refreshRetryGraceSeconds = refreshRetryGraceSeconds
        self.accessTokenSeconds = accessTokenSeconds
        self.refreshTokenSeconds = refreshTokenSeconds
        self.maxFailures = maxFailures
        self.failureWindowSeconds = failureWindowSeconds
    }
}
