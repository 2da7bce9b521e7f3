/// The answer to `POST /v1/auth/register`: the new user's ids.
public struct Registration: Sendable, Hashable, Codable {
    /// The new user's id.
    public var userID: String
    /// The tenant's id.
    public var tenantID: String

    /// Creates a registration.
    public init(userID: String, tenantID: String) {
        self.userID = userID
        self.tenantID = tenantID
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case tenantID = "tenant_id"
    }
}
