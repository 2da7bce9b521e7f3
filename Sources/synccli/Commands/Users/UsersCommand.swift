import ArgumentParser

/// `synccli users …`: operator actions on user accounts.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Operator actions on user accounts.",
        subcommands: [UsersEraseCommand.self]
    )
}
