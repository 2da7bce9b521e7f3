import Foundation

/// The state of one registered user.
public struct UserState: Sendable, Equatable {
    /// Lifecycle of a user account.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// May sign in.
        case active
        /// Temporarily barred from signing in; can be unlocked.
        case locked
        /// Permanently barred from signing in.
        case deactivated
    }

    /// The user.
    public var id: UserID
    /// The tenant the user belongs to.
    public var tenantID: TenantID
    /// Lowercase `[a-z0-9_.-]{3,32}`, unique within the tenant.
    public var username: String
    /// E-mail address.
    public var email: String
    /// Phone number, if given.
    public var phone: String?
    /// Display nickname, if set.
    public var nickname: String?
    /// Avatar image URL, if set.
    public var avatarURL: String?
    /// Preferred locale, e.g. `de-CH`.
    public var locale: String?
    /// Preferred IANA time zone, e.g. `Europe/Zurich`.
    public var timeZone: String?
    /// bcrypt hash of the password. The clear password never reaches the domain.
    public var passwordHash: String
    /// Roles within the tenant; always contains `.member`.
    public var roles: Set<Role>
    /// Account status.
    public var status: Status
    /// Whether the user was (soft-)deleted. Deleted users refuse every further command.
    public var isDeleted: Bool
    /// When the user registered.
    public var registeredAt: Date
    /// Whether the user's personal data was erased (`UserErased`).
    public var isErased: Bool = false

    /// What an erased personal field reads as (the same text as the `Privacy` module's marker).
    public static let erasedValue = "[erased]"

    /// Creates a user state.
    public init(
        id: UserID, tenantID: TenantID, username: String, email: String, phone: String?,
        nickname: String? = nil, avatarURL: String? = nil, locale: String? = nil, timeZone: String? = nil,
        passwordHash: String, roles: Set<Role>, status: Status = .active, isDeleted: Bool = false, registeredAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.username = username
        self.email = email
        self.phone = phone
        self.nickname = nickname
        self.avatarURL = avatarURL
        self.locale = locale
        self.timeZone = timeZone
        self.passwordHash = passwordHash
        self.roles = roles
        self.status = status
        self.isDeleted = isDeleted
        self.registeredAt = registeredAt
    }
}
