import ArgumentParser

/// `synccli analysts …`: read-only PostgreSQL access to the read models.
struct AnalystsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysts",
        abstract: "Manage read-only PostgreSQL roles for analysts (the `read` schema only).",
        subcommands: [AnalystsCreateRoleCommand.self]
    )
}
