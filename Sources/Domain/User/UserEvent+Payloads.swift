import Foundation

extension UserEvent {
    /// Payload of `UserRegistered`.
    public struct Registered: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The new user.
        public var userID: UserID
        /// Lowercased username.
        public var username: String
        /// E-mail address.
        public var email: String
        /// Phone number, if given.
        public var phone: String?
        /// bcrypt hash of the password.
        public var passwordHash: String
        /// Initial roles, sorted by wire name.
        public var roles: [Role]
        /// When the user registered.
        public var at: Date
    }

    /// Payload of `UserProfileUpdated`: only changed fields are present; "" means cleared.
    public struct ProfileUpdated: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The user.
        public var userID: UserID
        /// New nickname, "" when cleared.
        public var nickname: String?
        /// New avatar URL, "" when cleared.
        public var avatarURL: String?
        /// New e-mail address.
        public var email: String?
        /// New phone, "" when cleared.
        public var phone: String?
        /// New locale, "" when cleared.
        public var locale: String?
        /// New time zone, "" when cleared.
        public var timeZone: String?
        /// When the profile changed.
        public var at: Date
    }

    /// Payload of `UserPasswordChanged`.
    public struct PasswordChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The user.
        public var userID: UserID
        /// The new bcrypt hash.
        public var passwordHash: String
        /// Who changed it.
        public var actorID: UserID?
        /// When it changed.
        public var at: Date
    }

    /// Payload of `UserRoleGranted` and `UserRoleRevoked`.
    public struct RoleChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The user.
        public var userID: UserID
        /// The role granted or revoked.
        public var role: Role
        /// Who changed it.
        public var actorID: UserID?
        /// When it changed.
        public var at: Date
    }

    /// Payload of `UserLocked`, `UserUnlocked`, `UserDeactivated` and `UserDeleted`.
    public struct StatusChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The user.
        public var userID: UserID
        /// Who did it.
        public var actorID: UserID?
        /// Why, if given (at most 500 characters).
        public var reason: String?
        /// When it happened.
        public var at: Date
    }

    /// Payload of `UserErased`: the user's personal fields read as erased from now on, in every
    /// event (their data key is destroyed in the same transaction).
    public struct Erased: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The user.
        public var userID: UserID
        /// Who erased it; `nil` for the operator (system).
        public var actorID: UserID?
        /// When it was erased.
        public var at: Date
    }
}
