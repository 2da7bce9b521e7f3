import Hummingbird

/// A refused authentication or session request, with a stable code that carries its HTTP status.
public struct AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable code and the HTTP status it is answered with. Only this module
    /// mints codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "invalid_credentials".
        public let rawValue: String
        /// The HTTP status of an answer with this code.
        public let status: HTTPResponse.Status

        private init(_ rawValue: String, status: HTTPResponse.Status) {
            self.rawValue = rawValue
            self.status = status
        }

        /// The wire name.
        public var description: String { rawValue }

        /// No token, or one that is malformed or forged (401).
        public static let unauthorized = Code("unauthorized", status: .unauthorized)
        /// The access token is past its expiry; refresh it (401).
        public static let tokenExpired = Code("token_expired", status: .unauthorized)
        /// The session was revoked or ended; sign in again (401).
        public static let sessionRevoked = Code("session_revoked", status: .unauthorized)
        /// Wrong tenant code, username or password: one answer for all three (401).
        public static let invalidCredentials = Code("invalid_credentials", status: .unauthorized)
        /// The refresh token is unknown, used already or expired (401).
        public static let invalidRefreshToken = Code("invalid_refresh_token", status: .unauthorized)
        /// Too many attempts; wait ``AuthError/retryAfter`` seconds (429).
        public static let rateLimited = Code("rate_limited", status: .tooManyRequests)
        /// The account may not sign in (locked, deactivated, deleted) (403).
        public static let accountDisabled = Code("account_disabled", status: .forbidden)
        /// Not allowed (403).
        public static let forbidden = Code("forbidden", status: .forbidden)
        /// Bad input (400).
        public static let invalid = Code("invalid", status: .badRequest)
        /// No such session (404).
        public static let notFound = Code("not_found", status: .notFound)
        /// The database failed or could not be reached; nothing changed and retrying later is
        /// safe (503, with `Retry-After`).
        public static let unavailable = Code("unavailable", status: .serviceUnavailable)
    }

    /// The code.
    public let code: Code
    /// A message a person understands. Never contains database text.
    public let message: String
    /// Seconds to wait, for `rate_limited` and `unavailable`.
    public let retryAfter: Int?
    /// The original error, for logs only (use `String(reflecting:)`); never shown to a client.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The code.
    ///   - message: A message a person understands, without database text.
    ///   - retryAfter: Seconds to wait before retrying.
    ///   - underlying: The original error, kept for logs.
    package init(_ code: Code, _ message: String, retryAfter: Int? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.underlying = underlying
    }

    /// A database failure while `action`, without its text: `unavailable`, retry after a second.
    static func unavailable(_ error: any Error, while action: String) -> AuthError {
        AuthError(.unavailable, "the database could not answer while \(action); retry shortly", retryAfter: 1, underlying: error)
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// The HTTP status of the code.
    public var status: HTTPResponse.Status { code.status }

    /// Two errors are equal when code, message and wait are (the underlying error is for logs).
    public static func == (lhs: AuthError, rhs: AuthError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.retryAfter == rhs.retryAfter
    }
}
