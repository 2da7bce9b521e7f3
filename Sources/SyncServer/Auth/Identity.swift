import Domain

/// The signed-in caller of a request, from a verified access token whose session is live.
public struct Identity: Sendable, Hashable {
    /// The user.
    public var userID: UserID
    /// The user's tenant.
    public var tenantID: TenantID
    /// The session.
    public var sessionID: String
    /// The device of the session.
    public var deviceID: DeviceID
    /// The roles at sign-in.
    public var roles: Set<Role>

    /// Creates an identity.
    public init(userID: UserID, tenantID: TenantID, sessionID: String, deviceID: DeviceID, roles: Set<Role>) {
        self.userID = userID
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.deviceID = deviceID
        self.roles = roles
    }

    /// The domain principal the command service sees.
    public var principal: Principal { .user(userID, tenantID: tenantID, roles: roles) }
}
