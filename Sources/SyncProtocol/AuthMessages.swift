/// `POST /v1/auth/register`: a new member of the tenant whose code is given.
public struct RegisterRequest: Sendable, Hashable, Codable {
    /// The tenant's code.
    public var tenantCode: String
    /// 3-32 characters: letters, digits, `.`, `_`, `-`.
    public var username: String
    /// An e-mail address.
    public var email: String
    /// 8-200 characters.
    public var password: String
    /// An optional phone number.
    public var phone: String?

    /// Creates a request.
    public init(tenantCode: String, username: String, email: String, password: String, phone: String? = nil) {
        self.tenantCode = tenantCode
        self.username = username
        self.email = email
        self.password = password
        self.phone = phone
    }

    enum CodingKeys: String, CodingKey {
        case username, email, password, phone
        case tenantCode = "tenant_code"
    }
}

/// `POST /v1/auth/login`: opens a session for one device.
public struct LoginRequest: Sendable, Hashable, Codable {
    /// The tenant's code.
    public var tenantCode: String
    /// The username.
    public var username: String
    /// The password.
    public var password: String
    /// The device's id (a UUID the app keeps); a second login from it replaces its session.
    public var deviceID: String
    /// A name for the session list, for example "Ana's iPhone".
    public var deviceName: String?

    /// Creates a request.
    public init(tenantCode: String, username: String, password: String, deviceID: String, deviceName: String? = nil) {
        self.tenantCode = tenantCode
        self.username = username
        self.password = password
        self.deviceID = deviceID
        self.deviceName = deviceName
    }

    enum CodingKeys: String, CodingKey {
        case username, password
        case tenantCode = "tenant_code"
        case deviceID = "device_id"
        case deviceName = "device_name"
    }
}

/// `POST /v1/auth/refresh`.
public struct RefreshRequest: Sendable, Hashable, Codable {
    /// The refresh token from the last ``TokenResponse``; it can be used once.
    public var refreshToken: String

    /// Creates a request.
    public init(refreshToken: String) { self.refreshToken = refreshToken }

    enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
}

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
