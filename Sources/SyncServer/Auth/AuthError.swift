import Hummingbird

/// A refused authentication or session request, with a stable code and an HTTP status.
public struct AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable codes.
    public enum Code: String, Sendable {
        /// No token, or one that is malformed or forged (401).
        case unauthorized
        /// The access token is past its expiry; refresh it (401).
        case tokenExpired = "token_expired"
        /// The session was revoked or ended; sign in again (401).
        case sessionRevoked = "session_revoked"
        /// Wrong tenant code, username or password: one answer for all three (401).
        case invalidCredentials = "invalid_credentials"
        /// The refresh token is unknown, used already or expired (401).
        case invalidRefreshToken = "invalid_refresh_token"
        /// Too many failed sign-ins; wait `retryAfter` seconds (429).
        case rateLimited = "rate_limited"
        /// The account may not sign in (locked, deactivated, deleted) (403).
        case accountDisabled = "account_disabled"
        /// Not allowed (403).
        case forbidden
        /// Bad input (400).
        case invalid
        /// No such session (404).
        case notFound = "not_found"
    }

    /// The code.
    public let code: Code
    /// A message a person understands.
    public let message: String
    /// Seconds to wait, for `rate_limited`.
    public let retryAfter: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The HTTP status of the code.
    public var status: HTTPResponse.Status {
        switch code {
        case .unauthorized, .tokenExpired, .sessionRevoked, .invalidCredentials, .invalidRefreshToken: .unauthorized
        case .rateLimited: .tooManyRequests
        case .accountDisabled, .forbidden: .forbidden
        case .invalid: .badRequest
        case .notFound: .notFound
        }
    }

    /// The error as a problem answer.
    public var problem: Problem {
        Problem(status, code: code.rawValue, message: message, retryAfter: retryAfter)
    }
}
