/// The one error type of the client library: a stable ``Code``, a message a person understands,
/// and, when the server answered, its HTTP status.
///
/// Server problem codes (`invalid_credentials`, `rate_limited`, `already_exists`, …) arrive as
/// codes of their own, so an app can switch over ``code`` without parsing messages.
public struct SyncClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added; compare with the constants.
    ///
    /// Only this module mints codes: its own, and the server's problem codes as they arrive
    /// (``SyncClientError/Code/server(_:)``), which have constants here too.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's wire spelling, for example `network` or `session_revoked`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The code's spelling.
        public var description: String { rawValue }

        /// The server could not be reached, or the connection broke.
        public static let network = Code("network")
        /// The request did not complete before its deadline.
        public static let timeout = Code("timeout")
        /// The server failed (HTTP 5xx).
        public static let serverError = Code("server_error")
        /// The server's answer could not be decoded.
        public static let badResponse = Code("bad_response")
        /// No or a bad access token (HTTP 401 `unauthorized`).
        public static let unauthorized = Code("unauthorized")
        /// The access token expired; the client refreshes it once and retries.
        public static let tokenExpired = Code("token_expired")
        /// The session was revoked; sign in again.
        public static let sessionRevoked = Code("session_revoked")
        /// The refresh token was refused; sign in again.
        public static let invalidRefreshToken = Code("invalid_refresh_token")
        /// Wrong tenant code, username or password.
        public static let invalidCredentials = Code("invalid_credentials")
        /// Too many attempts; ``SyncClientError/retryAfter`` says how long to wait.
        public static let rateLimited = Code("rate_limited")
        /// The server no longer speaks this client's protocol version (HTTP 426).
        public static let upgradeRequired = Code("upgrade_required")
        /// The pull cursor is too old; the client starts a snapshot.
        public static let resyncRequired = Code("resync_required")
        /// The replica has no session: call `login` first.
        public static let notSignedIn = Code("not_signed_in")
        /// The session ended (revoked or refresh refused): syncing waits for a new `login`.
        public static let reauthRequired = Code("reauth_required")
        /// The mutation's arguments lack a required member or have the wrong shape.
        public static let invalidMutation = Code("invalid_mutation")
        /// No mutation has this name.
        public static let unknownMutation = Code("unknown_mutation")
        /// The replica file could not be opened, migrated, read or written.
        public static let database = Code("database")
        /// The configuration is incomplete or invalid (for example no server URL).
        public static let invalidConfiguration = Code("invalid_configuration")
        /// The replica holds pending mutations of another user; sync or discard them first.
        public static let replicaBelongsToAnotherUser = Code("replica_belongs_to_another_user")
        /// No queued rejection has this id; from the server, the target does not exist (404).
        public static let notFound = Code("not_found")

        // The server's problem codes (docs/openapi.yaml), as a server answer carries them.

        /// The server refused the request as malformed (400).
        public static let invalid = Code("invalid")
        /// The signed-in user may not do this (403).
        public static let forbidden = Code("forbidden")
        /// The account may not sign in: locked, deactivated or deleted (403).
        public static let accountDisabled = Code("account_disabled")
        /// The change contradicts the server's state (409).
        public static let conflict = Code("conflict")
        /// The target or a unique value (a username, a tenant code) is taken (409).
        public static let alreadyExists = Code("already_exists")
        /// The target is deleted (409).
        public static let deleted = Code("deleted")
        /// The state transition is not allowed from the current state (409).
        public static let illegalTransition = Code("illegal_transition")
        /// The change would leave the tenant without an active administrator (409).
        public static let lastAdmin = Code("last_admin")
        /// A per-user limit is reached, such as the devices of one user (409).
        public static let limitExceeded = Code("limit_exceeded")
        /// The request body is larger than the endpoint accepts (413).
        public static let payloadTooLarge = Code("payload_too_large")
        /// The server's database failed or the request was not answered in time; retrying later
        /// is safe (503).
        public static let unavailable = Code("unavailable")
        /// The server's stream kept changing under the request; retrying is safe (503).
        public static let contention = Code("contention")

        /// The code a server problem names: its constant here, or a code of that spelling for one
        /// this build does not know yet.
        static func server(_ wireName: String) -> Code {
            Code(wireName)
        }

        /// The code of a non-2xx answer without a problem body and without a code of its own.
        static func httpStatus(_ status: Int) -> Code {
            Code("http_\(status)")
        }
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
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: A message a person understands.
    ///   - status: The HTTP status, when the server answered.
    ///   - retryAfter: The server's `Retry-After`, if any.
    ///   - underlying: The lower-level cause, for logs.
    init(_ code: Code, _ message: String, status: Int? = nil, retryAfter: Duration? = nil, underlying: (any Error & Sendable)? = nil) {
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
