/// Lifetimes and limits of sign-in.
public struct AuthOptions: Sendable {
    /// Access-token lifetime in seconds (default 15 minutes).
    public var accessTokenSeconds: Int
    /// Refresh-token lifetime in seconds (default 30 days); every refresh starts it again.
    public var refreshTokenSeconds: Int
    /// Sign-in attempts per name and client address in ``failureWindowSeconds`` (default 5); more are
    /// refused `429` before the password is checked. A right password gives its attempt back.
    public var maxFailures: Int
    /// The window in which ``maxFailures`` count, in seconds (default 15 minutes).
    public var failureWindowSeconds: Int
    /// Sign-in attempts per name from every address in ``nameFailureWindowSeconds`` (default 50); not
    /// counted for a device the user signed in on before. 0 turns it off.
    public var maxFailuresPerName: Int = 50
    /// The window of ``maxFailuresPerName``, in seconds (default 1 hour).
    public var nameFailureWindowSeconds: Int = 3600
    /// Registrations per client address in ``registrationWindowSeconds`` (default 20; 0 turns it off).
    public var registrationsPerAddress: Int = 20
    /// Registrations per tenant in ``registrationWindowSeconds`` (default 300; 0 turns it off).
    public var registrationsPerTenant: Int = 300
    /// The window of the registration limits, in seconds (default 1 hour).
    public var registrationWindowSeconds: Int = 3600
    /// Refreshes per client address in ``refreshWindowSeconds`` (default 120; 0 turns it off).
    public var refreshesPerAddress: Int = 120
    /// The window of ``refreshesPerAddress``, in seconds (default 1 minute).
    public var refreshWindowSeconds: Int = 60
    /// Peer addresses of reverse proxies whose `X-Forwarded-For` names the client (default none):
    /// see ``ClientAddress``.
    public var trustedProxies: Set<String> = []
    /// Seconds after a rotation during which the token it replaced may be presented once more (a
    /// client retrying after a lost answer) and gets a second new token instead of revoking the
    /// session; measured from the rotation, never moved. 0 turns this off. Default 30.
    public var refreshRetryGraceSeconds: Int
    /// How long this instance trusts that a session it checked is still live, in milliseconds
    /// (default 1000; 0 checks `auth_sessions` on every request). A revocation through another
    /// instance takes effect here within this time; through this instance, at once.
    public var sessionCheckCacheMilliseconds: Int

    /// Creates options.
    public init(
        accessTokenSeconds: Int = 900, refreshTokenSeconds: Int = 30 * 86_400, maxFailures: Int = 5, failureWindowSeconds: Int = 900,
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
