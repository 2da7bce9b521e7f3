/// The current push preferences of one user.
public struct PushPreferencesState: Sendable, Equatable {
    /// The user.
    public var userID: UserID
    /// The tenant.
    public var tenantID: TenantID
    /// What the user chose.
    public var settings: PushSettings

    /// Creates a state.
    public init(userID: UserID, tenantID: TenantID, settings: PushSettings) {
        self.userID = userID
        self.tenantID = tenantID
        self.settings = settings
    }
}
