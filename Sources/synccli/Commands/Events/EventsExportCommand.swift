import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `synccli events export`: write the log to a compressed NDJSON file.
struct EventsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the log (or a tenant's events, or a range) to a zstd- or gzip-compressed NDJSON file, in gap-free order.",
        discussion: """
            The file holds a header line (format, version, source database, range, event count), one \
            line per event (position, ids, stream, version, tenant, type, schema version, time, data, \
            metadata) and a trailer line (event count and the SHA-256 of every byte before it). The \
            export reads one consistent snapshot: the events a reader could read when it started. \
            It is written as FILE.partial and renamed when complete. `synccli events import FILE` \
            loads a whole-log export into an empty log.

            Examples:
              synccli events export --output log.ndjson.zst
              synccli events export --compression gzip --output log.ndjson.gz
              synccli events export --tenant 2f0c… --output tenant.ndjson.zst --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The file to write (replaced when it exists).")
    var output: String

    @Option(help: "Only the events of this tenant.")
    var tenant: String?

    @Option(help: "From the event at this global position (inclusive).")
    var from: Int64?

    @Option(help: "Up to the event at this global position (inclusive).")
    var to: Int64?

    @Option(help: "zstd (default: fast and small) or gzip.")
    var compression: String = "zstd"

    @Option(help: "Compression level: 1 (fastest, default) to 19 for zstd, to 9 for gzip.")
    var level: Int = 1

    @Flag(help: "Print one JSON object (no progress bar).")
    var json = false

    func validate() throws {
        guard !output.isEmpty else { throw ValidationError("--output must name a file") }
        guard let compression = ArchiveCompression(rawValue: compression) else { throw ValidationError("--compression must be zstd or gzip") }
        let maximum = compression == .zstd ? 19 : 9
        guard (1...maximum).contains(level) else { throw ValidationError("--level must be 1-\(maximum) for \(compression.rawValue)") }
        if let from, from < 1 { throw ValidationError("--from must be a global position of 1 or more") }
        if let to, to < 1 { throw ValidationError("--to must be a global position of 1 or more") }
        if let from, let to, to < from { throw ValidationError("--to must not be before --from") }
        if let tenant, tenant.isEmpty || tenant.count > 200 { throw ValidationError("--tenant must be 1-200 characters") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.events")
        let options = LogExporter.Options(
            tenant: tenant, from: from, to: to, compression: ArchiveCompression(rawValue: compression) ?? .zstd, compressionLevel: Int32(level))
        let (output, json) = (output, json)
        let started = ContinuousClock.now
        let report = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-export", logger: logger) { store in
                try await store.withConnection { connection in
                    let bar = json ? nil : SharedProgressBar(ProgressBar(total: 1, label: "events export", unit: "events"))
                    let report = try await LogExporter(connection: connection, options: options, logger: logger).export(to: output) { done, total in
                        bar?.update(done, total: total)
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
                "file": report.path, "events": report.events, "bytes": report.bytes, "compressed_bytes": report.compressedBytes,
                "sha256": report.sha256, "seconds": (seconds * 1000).rounded() / 1000, "events_per_s": rate.rounded(),
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("wrote           \(report.path)")
            print("events          \(report.events) in \(String(format: "%.1f", seconds)) s (\(Int(rate)) events/s)")
            print("size            \(report.bytes) bytes, \(report.compressedBytes) compressed")
            print("sha256          \(report.sha256)")
        }
    }
}
