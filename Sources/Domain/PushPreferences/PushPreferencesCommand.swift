/// Commands of the ``PushPreferences`` aggregate.
public enum PushPreferencesCommand: Sendable, Equatable {
    /// Replaces the user's preferences.
    case set(UserID, tenantID: TenantID, PushSettings)

    /// The user whose preferences this command changes.
    public var userID: UserID {
        switch self {
        case .set(let id, _, _): id
        }
    }
}
