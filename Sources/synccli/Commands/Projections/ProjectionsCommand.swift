import ArgumentParser

/// `synccli projections …`: inspect and operate the read-model projections.
struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Inspect, run, rebuild, reset, retry and skip the read-model projections.",
        discussion: """
            The projections are tenants, users, todos, notifications, announcements, orders and devices; their
            tables live in the `read` schema. Only `run` and `rebuild` apply migrations first; the other verbs
            expect a migrated database (`synccli migrate`).

            Examples:
              synccli projections list
              synccli projections status todos --json
              synccli projections rebuild todos
              synccli projections run               # every projection, until Ctrl-C
              synccli projections skip orders
            """,
        subcommands: [
            ProjectionsListCommand.self, ProjectionsStatusCommand.self, ProjectionsRebuildCommand.self,
            ProjectionsResetCommand.self, ProjectionsRetryCommand.self, ProjectionsSkipCommand.self,
            ProjectionsRunCommand.self,
        ]
    )
}
