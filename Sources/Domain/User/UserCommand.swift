/// Commands of the ``User`` aggregate.
public enum UserCommand: Sendable, Equatable {
    /// Registers a user in a tenant as a `member`. `passwordHash` is a bcrypt hash made by the caller;
    /// `tenantIsActive` is resolved by the caller. Username uniqueness is enforced outside the domain.
    case register(UserID, tenantID: TenantID, username: String, email: String, phone: String?, passwordHash: String, tenantIsActive: Bool)
    /// Updates profile fields; only fields that differ from the current value are recorded.
    case updateProfile(UserID, ProfileUpdate)
    /// Replaces the password hash.
    case changePassword(UserID, passwordHash: String)
    /// Grants a role.
    case grantRole(UserID, Role)
    /// Revokes a role. The `member` role cannot be revoked.
    case revokeRole(UserID, Role)
    /// Locks the account.
    case lock(UserID, reason: String?)
    /// Unlocks a locked account.
    case unlock(UserID)
    /// Deactivates the account for good.
    case deactivate(UserID, reason: String?)
    /// Soft-deletes the user: the state keeps the user marked deleted.
    case delete(UserID)
    /// Erases the user's personal data: administrators (or the system); the user stays as a record.
    case erase(UserID)

    /// The user this command targets.
    public var userID: UserID {
        switch self {
        case .register(let id, _, _, _, _, _, _), .updateProfile(let id, _), .changePassword(let id, _),
            .grantRole(let id, _), .revokeRole(let id, _), .lock(let id, _), .unlock(let id),
            .deactivate(let id, _), .delete(let id), .erase(let id):
            id
        }
    }
}

/// Profile fields to change. `nil` leaves a field as it is; an empty string clears an optional
/// field (nickname, avatar URL, phone, locale, time zone). The e-mail cannot be cleared.
public struct ProfileUpdate: Sendable, Equatable, Codable {
    /// New nickname (1-50 characters) or "" to clear.
    public var nickname: String?
    /// New avatar URL (http/https) or "" to clear.
    public var avatarURL: String?
    /// New e-mail address.
    public var email: String?
    /// New phone number or "" to clear.
    public var phone: String?
    /// New locale (e.g. `en-GB`) or "" to clear.
    public var locale: String?
    /// New IANA time zone or "" to clear.
    public var timeZone: String?

    /// Creates an update; omitted fields stay unchanged.
    public init(
        nickname: String? = nil, avatarURL: String? = nil, email: String? = nil,
        phone: String? = nil, locale: String? = nil, timeZone: String? = nil
    ) {
        self.nickname = nickname
        self.avatarURL = avatarURL
        self.email = email
        self.phone = phone
        self.locale = locale
        self.timeZone = timeZone
    }

    /// Whether no field is set.
    public var isEmpty: Bool {
        nickname == nil && avatarURL == nil && email == nil && phone == nil && locale == nil && timeZone == nil
    }
}
