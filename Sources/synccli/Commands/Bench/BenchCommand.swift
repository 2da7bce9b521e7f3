import ArgumentParser
import EventStore
import Foundation

/// `synccli bench …`: benchmarks that compare Tidemark with raw PostgreSQL in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Tidemark against raw PostgreSQL side by side and print ratios.",
        discussion:
            "Benchmarks run in their own database (<database>_bench by default), dropped and created anew each run. Build with -c release for meaningful figures (`make bench`). The push benchmark needs the providers' stand-ins and is `tidemark-bench push`.",
        subcommands: [
            BenchAppendCommand.self, BenchRebuildCommand.self, BenchSyncCommand.self, BenchAuthCommand.self, BenchLoadCommand.self, BenchExportCommand.self,
            BenchPrivacyCommand.self,
        ]
    )
}
