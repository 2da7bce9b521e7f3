/// A signed-in session: a short-lived access token (JWT, `Authorization: Bearer …`) and a
/// refresh token that rotates on every use.
public struct TokenResponse: Sendable, Hashable, Codable {
    /// The JWT for `Authorization: Bearer`.
    public var accessToken: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    /// The refresh token (opaque; stored only hashed on the server).
    public var refreshToken: String
    /// The session's id.
    public var sessionID: String
    /// The user's id.
    public var userID: String
    /// The tenant's id.
    public var tenantID: String
    /// The device the session belongs to.
    public var deviceID: String

    /// Creates a response.
    public init(accessToken: String, expiresIn: Int, refreshToken: String, sessionID: String, userID: String, tenantID: String, deviceID: String) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.sessionID = sessionID
        self.userID = userID
        self.tenantID = tenantID
        self.deviceID = deviceID
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case sessionID = "session_id"
        case userID = "user_id"
        case tenantID = "tenant_id"
        case deviceID = "device_id"
    }
}
