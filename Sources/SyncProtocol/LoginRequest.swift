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
