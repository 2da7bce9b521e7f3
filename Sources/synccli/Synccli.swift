import ArgumentParser

/// `synccli`: the Tidemark operator's tool.
@main
struct Synccli: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synccli",
        abstract: "Operate Tidemark: migrate, serve, inspect the event log, run and repair projections, benchmark.",
        discussion: """
            Every verb uses $DATABASE_URL, or the private development database started by `make db`
            (postgres://tidemark@127.0.0.1:54329/tidemark) when it is not set; --database-url overrides both.

            Exit codes: 0 success, 1 failure (the message says why), 64 invalid usage (including an unknown
            projection name, or `projections reset` without --yes), 3 the log is stalled (`events status`) or a
            projection has failed or lags more than --max-lag (`projections status`).
            """,
        subcommands: [
            MigrateCommand.self, ServeCommand.self, EventsCommand.self, ProjectionsCommand.self, AnalystsCommand.self,
            SeedCommand.self, ReplicaCommand.self, FeedCommand.self, PushCommand.self, UsersCommand.self, BenchCommand.self,
        ]
    )
}
