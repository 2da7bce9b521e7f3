extension UserState {
    /// Whether the user can administer the tenant: holds the `admin` role, is active and not deleted.
    public var isActiveAdmin: Bool { roles.contains(.admin) && status == .active && !isDeleted }
}

extension User {
    /// The commands that can take an administrator away: revoking the `admin` role, locking,
    /// deactivating and deleting. Only these need ``requireAnotherAdmin(before:after:otherActiveAdmins:)``.
    public static func mayRemoveAdmin(_ command: UserCommand) -> Bool {
        switch command {
        case .revokeRole(_, let role): role == .admin
        case .lock, .deactivate, .delete: true
        case .register, .updateProfile, .changePassword, .grantRole, .unlock, .erase: false
        }
    }

    /// Refuses a change that leaves the tenant without an active administrator.
    ///
    /// A tenant needs at least one active administrator: only administrators grant roles, unlock
    /// accounts and publish announcements, so a tenant without one could never be managed again.
    /// The rule holds for every principal, the administrator acting on their own account included;
    /// to step down, an administrator first grants the role to someone else.
    ///
    /// The number of other active administrators is a fact across streams: the caller counts it in
    /// the same transaction that stores the change, while no other change of the tenant's
    /// administrators can commit (see `CommandService.executeUserCommand`).
    ///
    /// - Parameters:
    ///   - before: The user before the change.
    ///   - after: The user after the change.
    ///   - otherActiveAdmins: Active administrators of the tenant other than this user.
    /// - Throws: ``DomainError`` `last_admin` when `before` was an active administrator, `after` is
    ///   not, and nobody else is.
    public static func requireAnotherAdmin(before: UserState?, after: UserState?, otherActiveAdmins: Int) throws(DomainError) {
        guard let before, before.isActiveAdmin, !(after?.isActiveAdmin ?? false), otherActiveAdmins < 1 else { return }
        throw DomainError(
            .lastAdmin,
            "\(before.username) is the tenant's last active administrator; grant the admin role to another user first"
        )
    }
}
