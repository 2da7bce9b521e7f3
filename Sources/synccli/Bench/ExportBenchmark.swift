import CommandLineSupport
import Commands
import EventStore
import Foundation
import Logging
import PostgresNIO

/// Measures `events export` against a plain `COPY (SELECT …) TO STDOUT` of the same rows, and
/// `events import` against a plain `COPY events FROM STDIN` of them, in one run.
struct ExportBenchmark: Sendable {
    /// The JSON line and the figures printed.
    struct Report: Codable, Sendable {
        var events: Int
        var export_seconds: Double
        var export_events_per_s: Double
        var copy_to_seconds: Double
        var copy_to_events_per_s: Double
        var export_ratio: Double
        var import_seconds: Double
        var import_events_per_s: Double
        var copy_from_seconds: Double
        var copy_from_events_per_s: Double
        var import_ratio: Double
        /// Uncompressed and compressed sizes of the export file.
        var export_bytes: Int
        var export_compressed_bytes: Int
        /// Bytes of the COPY text.
        var copy_bytes: Int
        /// zstd or gzip.
        var compression: String
        var target_ratio: Double
        var verified: Bool
    }

    let events: Int
    let compression: ArchiveCompression
    let logger: Logger
    static let targetRatio = 0.5
    /// The columns both sides move.
    static let columns =
        "position, transaction_id, event_id, stream, category, stream_id, stream_version, tenant_id, type, schema_version, data, metadata, recorded_at"

    func run(base: DatabaseURL, databaseName: String, directory: String) async throws -> Report {
        let admin = DatabaseAdmin(url: base, logger: logger)
        let names = (source: databaseName, imported: databaseName + "_import", copied: databaseName + "_copy")
        for name in [names.source, names.imported, names.copied] {
            try await admin.dropDatabase(name)
            try await admin.createDatabase(name)
        }
        defer {
            Task { [admin, names] in
                try? await admin.dropDatabase(names.imported)
                try? await admin.dropDatabase(names.copied)
            }
        }
        let file = (directory as NSString).appendingPathComponent("tidemark-bench-export.ndjson")
        let copyFile = (directory as NSString).appendingPathComponent("tidemark-bench-export.copy")
        defer {
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: copyFile)
        }
        let (logger, compression) = (logger, compression)
        let todos = max(events / 5, 1)
        let sourceURL = base.withDatabase(names.source)
        let (exportReport, exportSeconds, count) = try await EventStore.withRunning(
            url: sourceURL, maximumConnections: 4, applicationName: "synccli-bench", logger: logger
        ) { store in
            try await store.migrate(additional: TidemarkMigrations.all)
            printError("bench: generating \(todos * 5) events with SQL…")
            try await RebuildBenchmark.generate(todos: todos, client: store.client, logger: logger)
            _ = try await store.client.query("VACUUM ANALYZE events", logger: logger)
            try await RebuildBenchmark.waitReadable(store: store, logger: logger)
            let count = try await RebuildBenchmark.count("SELECT count(*) FROM events", client: store.client, logger: logger)
            printError("bench: Tidemark — events export of \(count) events…")
            var report: LogExportReport?
            let seconds = try await RebuildBenchmark.timed {
                report = try await store.withConnection { connection in
                    let bar = SharedProgressBar(ProgressBar(total: count, label: "bench export", unit: "events"))
                    defer { bar.finish() }
                    return try await LogExporter(connection: connection, options: LogExporter.Options(compression: compression), logger: logger).export(
                        to: file
                    ) { done, total in bar.update(done, total: total) }
                }
            }
            guard let report else { throw CLIFailure(.benchmarkFailed, "the export returned nothing") }
            return (report, seconds, count)
        }
        guard exportReport.events == count else {
            throw CLIFailure(.verificationFailed, "the export wrote \(exportReport.events) events, the log holds \(count)")
        }
        printError(String(format: "bench:   export %.2f s", exportSeconds))

        printError("bench: raw PostgreSQL — psql COPY (SELECT …) TO STDOUT of the same rows…")
        let copyTo = "COPY (SELECT \(Self.columns) FROM events ORDER BY transaction_id, position) TO STDOUT"
        let copyToSeconds = try await RebuildBenchmark.timed {
            try await Self.psql(sourceURL, "psql -X -q -v ON_ERROR_STOP=1 -c \"$1\" > \"$2\"", copyTo, copyFile)
        }
        let copyBytes = ((try? FileManager.default.attributesOfItem(atPath: copyFile)[.size]) as? NSNumber)?.intValue ?? 0
        printError(String(format: "bench:   COPY TO %.2f s", copyToSeconds))

        printError("bench: Tidemark — events import into an empty database…")
        let importedURL = base.withDatabase(names.imported)
        let (importReport, importSeconds) = try await EventStore.withRunning(
            url: importedURL, maximumConnections: 2, applicationName: "synccli-bench", logger: logger
        ) { store in
            try await store.migrate(additional: TidemarkMigrations.all)
            var report: LogImportReport?
            let seconds = try await RebuildBenchmark.timed {
                report = try await store.withConnection { connection in
                    let bar = SharedProgressBar(ProgressBar(total: 1, label: "bench import", unit: "bytes"))
                    defer { bar.finish() }
                    return try await LogImporter(connection: connection, logger: logger).importFile(file) { read, size in bar.update(read, total: size) }
                }
            }
            guard let report else { throw CLIFailure(.benchmarkFailed, "the import returned nothing") }
            return (report, seconds)
        }
        guard importReport.events == count, importReport.sha256 == exportReport.sha256 else {
            throw CLIFailure(.verificationFailed, "the import loaded \(importReport.events) events, expected \(count)")
        }
        printError(String(format: "bench:   import %.2f s", importSeconds))

        printError("bench: raw PostgreSQL — psql COPY events FROM STDIN of the same rows into an empty database…")
        let copiedURL = base.withDatabase(names.copied)
        try await EventStore.withRunning(url: copiedURL, maximumConnections: 2, applicationName: "synccli-bench", logger: logger) { store in
            _ = try await store.migrate(additional: TidemarkMigrations.all)
        }
        let copyFromSeconds = try await RebuildBenchmark.timed {
            try await Self.psql(copiedURL, "psql -X -q -v ON_ERROR_STOP=1 -c \"$1\" < \"$2\"", "COPY events (\(Self.columns)) FROM STDIN", copyFile)
        }
        printError(String(format: "bench:   COPY FROM %.2f s", copyFromSeconds))
        let copied = try await EventStore.withRunning(url: copiedURL, maximumConnections: 2, applicationName: "synccli-bench", logger: logger) { store in
            try await RebuildBenchmark.count("SELECT count(*) FROM events", client: store.client, logger: logger)
        }
        guard copied == count else { throw CLIFailure(.verificationFailed, "COPY FROM loaded \(copied) events, expected \(count)") }

        func rate(_ seconds: Double) -> Double { Double(count) / max(seconds, 1e-9) }
        return Report(
            events: count,
            export_seconds: RebuildBenchmark.round(exportSeconds, 3), export_events_per_s: rate(exportSeconds).rounded(),
            copy_to_seconds: RebuildBenchmark.round(copyToSeconds, 3), copy_to_events_per_s: rate(copyToSeconds).rounded(),
            export_ratio: RebuildBenchmark.round(copyToSeconds / exportSeconds, 3),
            import_seconds: RebuildBenchmark.round(importSeconds, 3), import_events_per_s: rate(importSeconds).rounded(),
            copy_from_seconds: RebuildBenchmark.round(copyFromSeconds, 3), copy_from_events_per_s: rate(copyFromSeconds).rounded(),
            import_ratio: RebuildBenchmark.round(copyFromSeconds / importSeconds, 3),
            export_bytes: exportReport.bytes, export_compressed_bytes: exportReport.compressedBytes, copy_bytes: copyBytes, compression: compression.rawValue,
            target_ratio: Self.targetRatio, verified: true
        )
    }

    /// Runs `script` under `/bin/sh` with `psql` connected to `url` (through PG* variables) and
    /// `arguments` as `$1`, `$2`…
    static func psql(_ url: DatabaseURL, _ script: String, _ arguments: String...) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = url.host
        environment["PGPORT"] = String(url.port)
        environment["PGUSER"] = url.username
        environment["PGDATABASE"] = url.database
        if let password = url.password { environment["PGPASSWORD"] = password }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh"] + arguments
        process.environment = environment
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    try process.run()
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        guard status == 0 else {
            throw CLIFailure(.benchmarkFailed, "psql failed (exit \(status)); is the PostgreSQL client installed (scripts/bootstrap.sh)?")
        }
    }

    /// The text table.
    static func table(_ report: Report) -> String {
        func target(_ ratio: Double) -> String { ratio >= targetRatio ? "met" : "NOT met" }
        return [
            "events     \(report.events); export file \(report.export_bytes) bytes, \(report.export_compressed_bytes) \(report.compression); COPY text \(report.copy_bytes) bytes",
            "side                       seconds    events/s",
            String(format: "tidemark events export   %8.2f  %10.0f", report.export_seconds, report.export_events_per_s),
            String(format: "psql COPY … TO STDOUT    %8.2f  %10.0f", report.copy_to_seconds, report.copy_to_events_per_s),
            String(format: "export ratio %.3f   target ≥ %.2f: %@", report.export_ratio, targetRatio, target(report.export_ratio)),
            String(format: "tidemark events import   %8.2f  %10.0f", report.import_seconds, report.import_events_per_s),
            String(format: "psql COPY events FROM    %8.2f  %10.0f", report.copy_from_seconds, report.copy_from_events_per_s),
            String(format: "import ratio %.3f   target ≥ %.2f: %@", report.import_ratio, targetRatio, target(report.import_ratio)),
            "verified   the import's SHA-256 equals the export's; both loads hold every event",
        ].joined(separator: "\n")
    }
}
