import ArgumentParser

/// `tidemark-bench`: the benchmarks that need the providers' stand-ins, in a binary of their own
/// so that the operator's `synccli` links no test servers.
@main
struct TidemarkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidemark-bench",
        abstract: "Benchmarks that run against local stand-ins of the push providers.",
        discussion: """
            Every verb uses $DATABASE_URL, or the private development database started by `make db`
            (postgres://tidemark@127.0.0.1:54329/tidemark) when it is not set; --database-url overrides both.
            Benchmarks run in a database of their own, dropped and created anew each run. Build with
            -c release for meaningful figures (`make bench-push`). The other benchmarks are `synccli bench …`.

            Exit codes: 0 success, 1 failure (the message says why), 64 invalid usage.
            """,
        subcommands: [BenchPushCommand.self]
    )
}
