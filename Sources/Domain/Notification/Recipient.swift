/// Facts about one intended receiver of a notification, resolved by the caller.
public struct Recipient: Sendable, Hashable, Codable {
    /// The receiving user.
    public var userID: UserID
    /// The tenant the user belongs to.
    public var tenantID: TenantID
    /// Whether the user's account is active (not locked, deactivated or deleted).
    public var isActive: Bool

    /// Creates recipient facts.
    public init(userID: UserID, tenantID: TenantID, isActive: Bool) {
        self.userID = userID
        self.tenantID = tenantID
        self.isActive = isActive
    }
}
