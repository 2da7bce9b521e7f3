import ArgumentParser
import CommandLineSupport
import Commands
import EventStore
import Foundation
import Projections
import SyncServer

/// `synccli projections rebuild NAME`: a blue/green rebuild in this process.
struct ProjectionsRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild a projection blue/green from the start of the log, in this process; migrates first.",
        discussion: """
            The new tables are built in a shadow schema (read_next_<name>) while the live tables keep serving
            readers and keep being updated by their runner. At the end, one transaction catches the shadow up,
            drops the old tables, moves the new ones into `read` and moves the checkpoint: readers see the old
            tables or the new ones, never an empty or partial set. Only one rebuild of a projection runs at a
            time across all processes (a second one fails with `busy`). Use it after a code version change or
            to repair tables; prefer it over `reset`, which empties the live tables first.

            Progress (events done/expected, events/s, time left) goes to standard error: a bar on a terminal,
            a plain line every 5 s otherwise. The report goes to standard output.

            Examples:
              synccli projections rebuild todos
              synccli projections rebuild orders --batch-size 10000 --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The projection to rebuild.")
    var name: String

    @Option(help: "Events per shadow transaction (100-50000).")
    var batchSize: Int = 10_000

    @Flag(help: "Print the report as one JSON line: {name, version, events, seconds, position}.")
    var json = false

    func validate() throws {
        try KnownProjections.validate(name)
        guard (100...50_000).contains(batchSize) else { throw ValidationError("--batch-size must be 100-50000") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.projections")
        let projection = try KnownProjections.named(name)
        let options = ProjectionRunnerOptions(rebuildBatchSize: batchSize)
        let bar = SharedProgressBar(ProgressBar(total: 1, label: "rebuild \(projection.name)", unit: "events"))
        let report = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 4, applicationName: "synccli-rebuild", logger: logger) { store in
                try await store.migrate(additional: TidemarkMigrations.all)
                let rebuilder = ProjectionRebuilder(
                    projection: projection, store: store, database: url, options: options, logger: logger
                ) { progress in
                    bar.update(Int(progress.applied), total: Int(progress.expected))
                }
                let report = try await rebuilder.rebuild()
                bar.update(Int(report.events), total: Int(report.events), force: true)
                bar.finish()
                return report
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            let figures = String(format: "%.2f s (%.0f events/s)", report.seconds, report.eventsPerSecond)
            print("rebuilt \(report.name) v\(report.version): \(report.events) event(s) in \(figures); live at \(report.position)")
        }
    }
}
