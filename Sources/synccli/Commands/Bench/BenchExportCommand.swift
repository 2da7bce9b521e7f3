import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `synccli bench export`: export and import of the log against plain `COPY`.
struct BenchExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export and import N generated events vs psql COPY TO / COPY FROM of the same rows.",
        discussion: """
            In fresh databases (<database>_bench_export and its _import and _copy siblings, dropped and \
            created anew): generates N todo events with SQL, then measures (a) `events export` to a zstd (or gzip) \
            file against `psql -c "COPY (SELECT …) TO STDOUT"` of the same columns and rows to a file, and \
            (b) `events import` of that file into an empty log against `psql -c "COPY events FROM STDIN"` \
            of the COPY text into another empty log. Prints seconds, events/s and the ratios (COPY time / \
            Tidemark time; targets ≥ 0.5). Needs psql (scripts/bootstrap.sh installs it).

            Build with -c release for meaningful figures (`make bench-export`).

            Examples:
              synccli bench export
              synccli bench export --events 200000 --json | tail -1
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Events to generate (1000-50000000; rounded down to a multiple of 5).")
    var events: Int = 1_000_000

    @Option(help: "Database to (re)create for the benchmark (default: <database>_bench_export).")
    var benchDatabase: String?

    @Option(help: "Folder for the export and COPY files (default: the temporary folder).")
    var directory: String = NSTemporaryDirectory()

    @Option(help: "Compression of the export file: zstd (default) or gzip.")
    var compression: String = "zstd"

    @Flag(help: "End with one JSON line: {events, export_events_per_s, export_ratio, import_events_per_s, import_ratio, …}.")
    var json = false

    func validate() throws {
        guard (1_000...50_000_000).contains(events) else { throw ValidationError("--events must be 1000-50000000") }
        guard ArchiveCompression(rawValue: compression) != nil else { throw ValidationError("--compression must be zstd or gzip") }
    }

    func run() async throws {
        let base = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.bench")
        let benchmark = ExportBenchmark(events: events, compression: ArchiveCompression(rawValue: compression) ?? .zstd, logger: logger)
        let name = benchDatabase ?? "\(base.database)_bench_export"
        let directory = directory
        let report = try await CLIFailure.reporting {
            try await benchmark.run(base: base, databaseName: name, directory: directory)
        }
        print(ExportBenchmark.table(report))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
