import Commands
import Domain
import SyncProtocol

extension MutationPlanner {
    /// The builders of the profile and user-administration mutations.
    static let userBuilders: [MutationName: Builder] = [
        .profileUpdate: { _, input throws(CommandError) in
            let user = try input.user()
            let a = input.arguments
            let update = ProfileUpdate(
                nickname: try a.optionalString("nickname"), avatarURL: try a.optionalString("avatar_url"),
                email: try a.optionalString("email"), phone: try a.optionalString("phone"),
                locale: try a.optionalString("locale"), timeZone: try a.optionalString("time_zone")
            )
            return .command(User.self, id: user, command: .updateProfile(user, update))
        },
        .userGrantRole: { _, input throws(CommandError) in try role(input) { .grantRole($0, $1) } },
        .userRevokeRole: { _, input throws(CommandError) in try role(input) { .revokeRole($0, $1) } },
        .userLock: { _, input throws(CommandError) in
            let id: UserID = try input.arguments.id("user_id")
            return user(id, .lock(id, reason: try input.arguments.optionalString("reason")))
        },
        .userUnlock: { _, input throws(CommandError) in
            let id: UserID = try input.arguments.id("user_id")
            return user(id, .unlock(id))
        },
        .userDeactivate: { _, input throws(CommandError) in
            let id: UserID = try input.arguments.id("user_id")
            return user(id, .deactivate(id, reason: try input.arguments.optionalString("reason")))
        },
        .userDelete: { _, input throws(CommandError) in
            let id: UserID = try input.arguments.id("user_id")
            return user(id, .delete(id))
        },
    ]

    /// Granting or revoking the `role` of the user named by `user_id`.
    private static func role(_ input: MutationInput, _ make: (UserID, Role) -> UserCommand) throws(CommandError) -> PlannedCommand {
        let id: UserID = try input.arguments.id("user_id")
        guard let role: Role = try input.arguments.enumeration("role") else {
            throw CommandError(.invalid, "\(input.name.rawValue) needs 'role'")
        }
        return user(id, make(id, role))
    }

    /// A user command; one that may take an administrator away runs on its own, so the command
    /// service can check that the tenant keeps an active administrator (never as a batch step).
    private static func user(_ id: UserID, _ command: UserCommand) -> PlannedCommand {
        guard User.mayRemoveAdmin(command) else { return .command(User.self, id: id, command: command) }
        return .standalone { service, envelope throws(CommandError) in
            try await service.executeUserCommand(id, command: command, envelope: envelope)
        }
    }
}
