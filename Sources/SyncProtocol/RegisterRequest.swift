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
