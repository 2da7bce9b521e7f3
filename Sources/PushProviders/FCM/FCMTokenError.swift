/// Why no OAuth2 access token could be obtained for FCM.
public enum FCMTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token endpoint refused the assertion (e.g. 400 `invalid_grant`, 401 `invalid_client`):
    /// the key was revoked or the account is wrong. Maps to `.credentialsRejected`.
    case rejected(status: Int, detail: String)
    /// The token endpoint could not be reached, timed out or answered 429/5xx. Maps to `.retry`.
    case unavailable(detail: String, retryAfter: Duration?)
    /// The assertion could not be signed. Maps to `.credentialsRejected`.
    case signingFailed(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .rejected(let status, let detail): "OAuth token endpoint refused the service account (\(status)): \(detail)"
        case .unavailable(let detail, _): "OAuth token endpoint unavailable: \(detail)"
        case .signingFailed(let detail): "cannot sign the OAuth assertion: \(detail)"
        }
    }
}
