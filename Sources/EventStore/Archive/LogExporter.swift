import Basics
import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Writes the log, or part of it, to a compressed (zstd or gzip) NDJSON file (`synccli events export`).
///
/// The whole export reads one consistent snapshot (a repeatable-read, read-only transaction) in
/// gap-free order, below the horizon: the events a reader could read when it started. PostgreSQL
/// renders each event's line (`json_build_object`), so the client only hashes and compresses. The
/// file is written as `PATH.partial` and renamed when complete.
public struct LogExporter: Sendable {
    /// What to export and how hard to compress.
    public struct Options: Sendable {
        /// Only this tenant's events.
        public var tenant: String?
        /// From the event at this global position (inclusive).
        public var from: Int64?
        /// Up to the event at this global position (inclusive).
        public var to: Int64?
        /// zstd (the default) or gzip.
        public var compression: ArchiveCompression
        /// The compression level: 1 (fastest, the default) up to 9 for gzip and 19 for zstd.
        public var compressionLevel: Int32

        /// Creates options.
        public init(tenant: String? = nil, from: Int64? = nil, to: Int64? = nil, compression: ArchiveCompression = .zstd, compressionLevel: Int32 = 1) {
            self.tenant = tenant
            self.from = from
            self.to = to
            self.compression = compression
            self.compressionLevel = min(max(compressionLevel, 1), 19)
        }
    }

    /// The SQL expression of one event's export line over the row `events e`: plain
    /// concatenation (`to_json` escapes the strings), which PostgreSQL builds faster than
    /// `json_build_object`; `recorded_at` is ISO 8601 in UTC (the export sets the time zone).
    static let lineSQL = """
        '{"position":' || e.position || ',"transaction_id":"' || e.transaction_id || '","event_id":"' || e.event_id
            || '","stream":' || to_json(e.stream) || ',"stream_version":' || e.stream_version
            || ',"tenant_id":' || coalesce(to_json(e.tenant_id)::text, 'null') || ',"type":' || to_json(e.type)
            || ',"schema_version":' || e.schema_version || ',"recorded_at":' || to_json(e.recorded_at)
            || ',"data":' || e.data::text || ',"metadata":' || e.metadata::text || '}'
        """

    /// Uncompressed bytes gathered before they are hashed, compressed and written.
    static let chunkSize = 1 << 20

    let connection: PostgresConnection
    let options: Options
    let logger: Logger

    /// Creates an exporter that reads on `connection` (which it uses for one transaction).
    public init(connection: PostgresConnection, options: Options = Options(), logger: Logger) {
        self.connection = connection
        self.options = options
        self.logger = logger
    }

    /// Writes the file.
    /// - Parameters:
    ///   - path: The file to write (replaced when it exists).
    ///   - progress: Called after each chunk with the events written and the events to write.
    public func export(to path: String, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws(EventStoreError) -> LogExportReport {
        let writer = try ArchiveFileWriter(path: path, compression: options.compression, level: options.compressionLevel)
        do {
            _ = try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            _ = try await connection.query("SET LOCAL TimeZone = 'UTC'", logger: logger)
            let report: LogExportReport
            do {
                report = try await write(to: writer, on: connection, progress: progress)
                _ = try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try writer.finish()
            var written = report
            written.compressedBytes = writer.bytesWritten
            return written
        } catch {
            writer.abandon()
            if let error = error as? EventStoreError { throw error }
            throw EventStoreError.database(error, while: "exporting the log")
        }
    }

    private func write(to writer: ArchiveFileWriter, on connection: PostgresConnection, progress: (Int, Int) -> Void) async throws -> LogExportReport {
        let lower = try await logPosition(of: options.from, name: "--from") ?? .start
        let upper = try await logPosition(of: options.to, name: "--to") ?? LogPosition(transactionID: UInt64(Int64.max), position: .max)
        let range: PostgresQuery = """
            FROM events e
            WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              AND (e.transaction_id, e.position) >= (\(String(lower.transactionID))::text::xid8, \(lower.position)::int8)
              AND (e.transaction_id, e.position) <= (\(String(upper.transactionID))::text::xid8, \(upper.position)::int8)
              AND (\(options.tenant)::text IS NULL OR e.tenant_id = \(options.tenant)::text)
            """
        var total = 0
        for try await count in try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) " + range.sql, binds: range.binds), logger: logger).decode(
            Int64.self)
        {
            total = Int(count)
        }
        let source = try await sourceIdentity()
        let header = LogArchiveHeader(
            format: LogArchiveHeader.formatName, version: LogArchiveHeader.currentVersion, sourceDatabase: source.database,
            sourceSystemIdentifier: source.system, exportedAt: ISO8601DateFormatter().string(from: Date()), tenant: options.tenant,
            fromPosition: options.from, toPosition: options.to, events: total
        )
        var hasher = SHA256()
        var chunk = ByteBufferAllocator().buffer(capacity: Self.chunkSize + 64 * 1024)
        var bytes = 0
        func emit(_ chunk: inout ByteBuffer) throws {
            bytes += chunk.readableBytes
            chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            try writer.write(chunk)
            chunk.clear()
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        chunk.writeBytes(try encoder.encode(header))
        chunk.writeInteger(UInt8(ascii: "\n"))
        var written = 0
        let select = PostgresQuery(unsafeSQL: "SELECT \(Self.lineSQL) \(range.sql) ORDER BY e.transaction_id, e.position", binds: range.binds)
        let lines = try await connection.query(select, logger: logger)
        for try await line in lines.decode(String.self) {
            chunk.writeString(line)
            chunk.writeInteger(UInt8(ascii: "\n"))
            written += 1
            if chunk.readableBytes >= Self.chunkSize {
                try emit(&chunk)
                progress(written, total)
            }
        }
        guard written == total else {
            throw EventStoreError(.database, "the export read \(written) events where its snapshot counted \(total); nothing was kept")
        }
        try emit(&chunk)
        let digest = Hex.encode(hasher.finalize())
        let trailer = LogArchiveTrailer(trailer: true, events: written, sha256: digest)
        chunk.writeBytes(try encoder.encode(trailer))
        chunk.writeInteger(UInt8(ascii: "\n"))
        let trailerBytes = chunk.readableBytes
        try writer.write(chunk)
        progress(written, total)
        return LogExportReport(
            path: writer.path, events: written, bytes: bytes + trailerBytes, compressedBytes: writer.bytesWritten, sha256: digest, header: header)
    }

    private func logPosition(of position: Int64?, name: String) async throws -> LogPosition? {
        guard let position else { return nil }
        let rows = try await connection.query("SELECT transaction_id::text FROM events WHERE position = \(position) LIMIT 1", logger: logger)
        for try await transaction in rows.decode(String.self) {
            if let transaction = UInt64(transaction) { return LogPosition(transactionID: transaction, position: position) }
        }
        throw EventStoreError(.invalidArgument, "\(name) \(position): no event has that global position")
    }

    private func sourceIdentity() async throws -> (database: String, system: String) {
        let rows = try await connection.query(
            "SELECT current_database(), (SELECT system_identifier::text FROM pg_control_system())", logger: logger
        )
        for try await identity in rows.decode((String, String).self) { return identity }
        return ("", "")
    }
}
