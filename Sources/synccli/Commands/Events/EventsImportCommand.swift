import ArgumentParser
import CommandLineSupport
import Commands
import EventStore
import Foundation

/// `synccli events import`: load an export file into an empty log.
struct EventsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a file written by `synccli events export` into an empty log, all or nothing.",
        discussion: """
            Migrates first. Refuses, with nothing written, a target log that holds events, a file \
            that is not an export, a truncated file, a corrupted line and a wrong checksum. Events \
            keep their positions, ids, streams, versions, data, metadata and times; run \
            `synccli projections rebuild NAME` for each projection afterwards (or start a server, \
            whose runners catch up), and `synccli events seal` to seal the imported log.

            Example:
              synccli events import log.ndjson.zst --database-url postgres://…/restored
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The export file.")
    var file: String

    @Flag(help: "Print one JSON object (no progress bar).")
    var json = false

    func validate() throws {
        guard !file.isEmpty else { throw ValidationError("FILE must name a file") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.events")
        let (file, json) = (file, json)
        let started = ContinuousClock.now
        let report = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-import", logger: logger) { store in
                try await store.migrate(additional: TidemarkMigrations.all)
                return try await store.withConnection { connection in
                    let bar = json ? nil : SharedProgressBar(ProgressBar(total: 1, label: "events import", unit: "bytes"))
                    let report = try await LogImporter(connection: connection, logger: logger).importFile(file) { read, size in
                        bar?.update(read, total: size)
                    }
                    bar?.finish()
                    return report
                }
            }
        }
        let seconds = ProgressBar.seconds(ContinuousClock.now - started)
        let rate = seconds > 0 ? Double(report.events) / seconds : 0
        if json {
            let object: [String: Any] = [
                "file": file, "events": report.events, "streams": report.streams, "transactions": report.transactions, "sha256": report.sha256,
                "source_database": report.header.sourceDatabase, "seconds": (seconds * 1000).rounded() / 1000, "events_per_s": rate.rounded(),
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("imported        \(report.events) event(s) in \(report.streams) stream(s) from \(file)")
            print("source          database \(report.header.sourceDatabase), exported \(report.header.exportedAt)")
            print("time            \(String(format: "%.1f", seconds)) s (\(Int(rate)) events/s)")
            print("sha256          \(report.sha256) (matches the trailer)")
            print("next            rebuild the projections (synccli projections rebuild NAME) and seal (synccli events seal)")
        }
    }
}
