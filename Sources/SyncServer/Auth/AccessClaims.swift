import Domain

/// The claims of an access token: who, in which tenant, from which session and device, until when.
public struct AccessClaims: Sendable, Hashable, Codable {
    /// The user (`sub`).
    public var subject: String
    /// The tenant (`tid`).
    public var tenant: String
    /// The session (`sid`); revoking it ends the token's validity at once.
    public var session: String
    /// The device the session belongs to (`did`).
    public var device: String
    /// Role wire names at sign-in (`roles`).
    public var roles: [String]
    /// Issued at, seconds since 1970 (`iat`).
    public var issuedAt: Int64
    /// Expires at, seconds since 1970 (`exp`).
    public var expiresAt: Int64

    /// Creates claims.
    public init(subject: String, tenant: String, session: String, device: String, roles: [String], issuedAt: Int64, expiresAt: Int64) {
        self.subject = subject
        self.tenant = tenant
        self.session = session
        self.device = device
        self.roles = roles
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case roles
        case subject = "sub"
        case tenant = "tid"
        case session = "sid"
        case device = "did"
        case issuedAt = "iat"
        case expiresAt = "exp"
    }
}
