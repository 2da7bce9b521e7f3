/// `POST /v1/auth/refresh`.
public struct RefreshRequest: Sendable, Hashable, Codable {
    /// The refresh token from the last ``TokenResponse``; it can be used once.
    public var refreshToken: String

    /// Creates a request.
    public init(refreshToken: String) { self.refreshToken = refreshToken }

    enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
}
