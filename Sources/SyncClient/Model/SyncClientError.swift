/// The one error type of the client library: a stable ``Code``, a message a person understands,
/// and, when the server answered, its HTTP status.
///
/// Server problem codes (`invalid_credentials`, `rate_limited`, `already_exists`, …) arrive as
/// codes of their own, so an app can switch over ``code`` without parsing messages.
public struct SyncClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added; compare with the constants.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's wire spelling, for example `network` or `session_revoked`.
        public let rawValue: String

        /// Creates a code from its spelling.
        /// - Parameter rawValue: The snake_case code.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's spelling.
        public var description: String { rawValue }

        /// The server could not be reached, or the connection broke.
        public static let network = Code(rawValue: "network")
        /// The request did not complete before its deadline.
        public static let timeout = Code(rawValue: "timeout")
        /// The server failed (HTTP 5xx).
        public static let serverError = Code(rawValue: "server_error")
        /// The server's answer could not be decoded.
        public static let badResponse = Code(rawValue: "bad_response")
        /// No or a bad access token (HTTP 401 `unauthorized`).
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The access token expired; the client refreshes it once and retries.
        public static let tokenExpired = Code(rawValue: "token_expired")
        /// The session was revoked; sign in again.
        public static let sessionRevoked = Code(rawValue: "session_revoked")
        /// The refresh token was refused; sign in again.
        public static let invalidRefreshToken = Code(rawValue: "invalid_refresh_token")
        /// Wrong tenant code, username or password.
        public static let invalidCredentials = Code(rawValue: "invalid_credentials")
        /// Too many attempts; ``SyncClientError/retryAfter`` says how long to wait.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// The server no longer speaks this client's protocol version (HTTP 426).
        public static let upgradeRequired = Code(rawValue: "upgrade_required")
        /// The pull cursor is too old; the client starts a snapshot.
        public static let resyncRequired = Code(rawValue: "resync_required")
        /// The replica has no session: call `login` first.
        public static let notSignedIn = Code(rawValue: "not_signed_in")
        /// The session ended (revoked or refresh refused): syncing waits for a new `login`.
        public static let reauthRequired = Code(rawValue: "reauth_required")
        /// The mutation's arguments lack a required member or have the wrong shape.
        public static let invalidMutation = Code(rawValue: "invalid_mutation")
        /// No mutation has this name.
        public static let unknownMutation = Code(rawValue: "unknown_mutation")
        /// The replica file could not be opened, migrated, read or written.
        public static let database = Code(rawValue: "database")
        /// The configuration is incomplete or invalid (for example no server URL).
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The replica holds pending mutations of another user; sync or discard them first.
        public static let replicaBelongsToAnotherUser = Code(rawValue: "replica_belongs_to_another_user")
        /// No queued rejection has this id.
        public static let notFound = Code(rawValue: "not_found")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A message a person understands.
    public let message: String
    /// The HTTP status when the server answered, else `nil`.
    public let status: Int?
    /// How long the server asked the client to wait (`Retry-After`), if it did.
    public let retryAfter: Duration?
    /// The lower-level error, for logs (never shown to users as is).
    public let underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: A message a person understands.
    ///   - status: The HTTP status, when the server answered.
    ///   - retryAfter: The server's `Retry-After`, if any.
    ///   - underlying: The lower-level cause, for logs.
    public init(_ code: Code, _ message: String, status: Int? = nil, retryAfter: Duration? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// Two errors are equal when code, message and status are.
    public static func == (lhs: SyncClientError, rhs: SyncClientError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.status == rhs.status
    }

    /// Whether trying the same request again later may succeed: network trouble, a timeout,
    /// a server failure or rate limiting.
    public var isTransient: Bool {
        if [.network, .timeout, .serverError, .rateLimited].contains(code) { return true }
        if let status, status >= 500 { return true }
        return false
    }

    /// Whether the session is over and syncing must wait for a new `login`.
    var endsSession: Bool {
        [.sessionRevoked, .unauthorized, .invalidRefreshToken, .reauthRequired].contains(code)
    }
}
