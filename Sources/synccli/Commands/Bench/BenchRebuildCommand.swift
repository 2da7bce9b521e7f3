import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `synccli bench rebuild`: a blue/green rebuild of the todos projection against plain SQL.
struct BenchRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the todos projection from N generated events vs plain SQL building the same tables.",
        discussion: """
            In a fresh database (<database>_bench by default, dropped and created anew): generates N todo events \
            with SQL (TodoCreated, then title, priority and due-date changes and a completion or tag change per \
            todo; N/5 todos of 5000 users in 4 tenants; one transaction per 10000 events), then measures \
            (a) ProjectionRebuilder for `todos` from the start of the log, and (b) plain INSERT … SELECT and \
            UPDATEs over the events table building the same `todos` and `todo_daily_summary` tables in a \
            scratch schema. Both results must agree row for row, or the run fails. Prints seconds and events/s \
            for both, the ratio tidemark/sql, and the targets (≥ 50000 events/s, ratio ≥ 0.3).

            Build with -c release for meaningful figures (`make bench-rebuild`).

            Examples:
              synccli bench rebuild
              synccli bench rebuild --events 200000 --json | tail -1 | jq .ratio
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Events to generate (1000-50000000; rounded down to a multiple of 5).")
    var events: Int = 1_000_000

    @Option(help: "Events per shadow transaction of the rebuild (100-50000).")
    var batchSize: Int = 10_000

    @Option(help: "Database to (re)create for the benchmark (default: <database>_bench).")
    var benchDatabase: String?

    @Flag(help: "End with one JSON line: {events, events_per_s, sql_events_per_s, ratio, …}.")
    var json = false

    func validate() throws {
        guard (1_000...50_000_000).contains(events) else { throw ValidationError("--events must be 1000-50000000") }
        guard (100...50_000).contains(batchSize) else { throw ValidationError("--batch-size must be 100-50000") }
    }

    func run() async throws {
        let base = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.bench")
        let benchmark = RebuildBenchmark(events: events, batchSize: batchSize, logger: logger)
        let name = benchDatabase ?? "\(base.database)_bench"
        let report = try await CLIFailure.reporting {
            try await benchmark.run(base: base, databaseName: name)
        }
        print(RebuildBenchmark.table(report))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
