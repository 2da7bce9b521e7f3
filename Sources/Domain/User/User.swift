import Foundation

/// A user of one tenant: credentials (as a bcrypt hash), profile, roles and account status.
///
/// Anyone, including anonymous principals, may register into an active tenant; members then
/// change only their own profile and password; administrators manage accounts and roles.
public enum User: Aggregate {
    /// Stream ids are user ids.
    public typealias ID = UserID
    /// `nil` until `UserRegistered`.
    public typealias State = UserState?

    /// `"user"`.
    public static let category = "user"
    /// No user yet.
    public static let initialState: UserState? = nil

    /// Characters allowed in a username.
    static let usernameCharacters = Validate.lowercaseLetters + Validate.digits + "_.-"

    /// Decides a user command.
    ///
    /// Registration is decided in `User+DecideRegistration.swift`; then the user must exist;
    /// profile and password changes are in `User+DecideProfile.swift`, roles and account status in
    /// `User+DecideAccount.swift`.
    public static func decide(
        _ command: UserCommand, state: UserState?, context: CommandContext
    ) throws(DomainError) -> [UserEvent] {
        if case .register(let id, let tenantID, let username, let email, let phone, let hash, let tenantIsActive) = command {
            return try register(
                id, tenantID: tenantID, username: username, email: email, phone: phone, passwordHash: hash,
                tenantIsActive: tenantIsActive, state: state, context: context
            )
        }
        guard let user = state, user.id == command.userID else {
            throw .notFound("user \(command.userID) does not exist")
        }
        switch command {
        case .register: throw .alreadyExists("user \(user.id) already exists")
        case .updateProfile(_, let update): return try updateProfile(update, user, context: context)
        case .changePassword(_, let hash): return try changePassword(hash, user, context: context)
        case .grantRole(_, let role): return try grantRole(role, user, context: context)
        case .revokeRole(_, let role): return try revokeRole(role, user, context: context)
        case .lock(_, let reason): return try lock(reason: reason, user, context: context)
        case .unlock: return try unlock(user, context: context)
        case .deactivate(_, let reason): return try deactivate(reason: reason, user, context: context)
        case .delete: return try delete(user, context: context)
        case .erase: return try erase(user, context: context)
        }
    }

    /// Applies a user event.
    public static func evolve(_ state: UserState?, _ event: UserEvent) -> UserState? {
        if case .registered(let registered) = event {
            return UserState(
                id: registered.userID, tenantID: registered.tenantID, username: registered.username,
                email: registered.email, phone: registered.phone, passwordHash: registered.passwordHash,
                roles: Set(registered.roles), registeredAt: registered.at)
        }
        guard var user = state else { return state }
        switch event {
        case .registered:
            break
        case .profileUpdated(let update):
            func apply(_ value: String?, _ field: inout String?) {
                if let value { field = value.isEmpty ? nil : value }
            }
            apply(update.nickname, &user.nickname)
            apply(update.avatarURL, &user.avatarURL)
            apply(update.phone, &user.phone)
            apply(update.locale, &user.locale)
            apply(update.timeZone, &user.timeZone)
            if let email = update.email { user.email = email }
        case .passwordChanged(let changed):
            user.passwordHash = changed.passwordHash
        case .roleGranted(let changed):
            user.roles.insert(changed.role)
        case .roleRevoked(let changed):
            user.roles.remove(changed.role)
        case .locked:
            user.status = .locked
        case .unlocked:
            user.status = .active
        case .deactivated:
            user.status = .deactivated
        case .deleted:
            user.isDeleted = true
        case .erased:
            user.isErased = true
            user.username = UserState.erasedValue
            user.email = UserState.erasedValue
            user.phone = nil
            user.nickname = nil
            user.avatarURL = nil
        }
        return user
    }
}
