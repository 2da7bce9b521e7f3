import Basics
import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Loads an export file (``LogExporter``) into an empty log (`synccli events import`).
///
/// Everything happens in one transaction that first locks the `events` table against appends and
/// checks that the log and its seals are empty, then streams the file through `COPY events FROM
/// STDIN` while checking every line, the event count and the SHA-256 of the trailer. A truncated
/// file, a corrupted line, a wrong checksum or a non-empty target rolls the whole transaction back:
/// nothing is written.
///
/// Events keep their positions, ids, streams, versions, data, metadata and times. Their
/// transaction ids are the source database's and mean nothing here, so they are replaced by small
/// numbers that keep the file's (gap-free) order: each run of increasing positions gets the next
/// number. All of them are below the importing transaction's own id, so the imported events sort
/// before any event appended later, and every reader sees them as soon as the import commits.
public struct LogImporter: Sendable {
    /// The first transaction id given to imported events (ids 1 and 2 have special meanings in
    /// PostgreSQL).
    static let firstTransactionID: UInt64 = 3
    /// `COPY` text gathered before it is sent.
    static let copyChunkSize = 1 << 20

    let connection: PostgresConnection
    let logger: Logger

    /// Creates an importer that writes on `connection` (which it uses for one transaction).
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Loads `path` into the empty log.
    /// - Parameter progress: Called after each chunk with the compressed bytes read and the file's size.
    public func importFile(_ path: String, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws(EventStoreError) -> LogImportReport {
        do {
            do {
                return try await attempt(path, progress: progress)
            } catch let shortage as TransactionIDShortage {
                // The file needs more order-keeping transaction ids than this database has used:
                // use some up (each autocommitted statement takes one), then start over.
                logger.notice("using up transaction ids so the imported order fits below the import's own", metadata: ["count": "\(shortage.needed)"])
                for _ in 0..<shortage.needed {
                    _ = try await connection.query("SELECT pg_current_xact_id()", logger: logger)
                }
                return try await attempt(path, progress: progress)
            }
        } catch let error as EventStoreError {
            guard error.code == .invalidArchive || error.code == .fileFailed else { throw error }
            throw EventStoreError(error.code, error.message + "; nothing was imported")
        } catch let error as ArchiveFailure {
            throw EventStoreError(.invalidArchive, "\(path): \(error.reason); nothing was imported")
        } catch {
            throw EventStoreError.database(error, while: "importing \(path) (nothing was imported)")
        }
    }

    /// The file needs more transaction ids than the import's own id leaves below it.
    struct TransactionIDShortage: Error {
        let needed: Int
    }

    /// A line or the file as a whole is not acceptable.
    struct ArchiveFailure: Error {
        let reason: String
    }

    private func attempt(_ path: String, progress: (Int, Int) -> Void) async throws -> LogImportReport {
        let lines = ArchiveLineReader(reader: try ArchiveFileReader(path: path))
        _ = try await connection.query("BEGIN", logger: logger)
        do {
            let report = try await load(lines, progress: progress)
            _ = try await connection.query("COMMIT", logger: logger)
            return report
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    private func load(_ lines: ArchiveLineReader, progress: (Int, Int) -> Void) async throws -> LogImportReport {
        _ = try await connection.query("LOCK TABLE events, event_seals IN EXCLUSIVE MODE", logger: logger)
        let rows = try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM events), EXISTS (SELECT 1 FROM event_seals), pg_current_xact_id()::text", logger: logger
        )
        var importTransaction: UInt64 = 0
        for try await (hasEvents, hasSeals, transaction) in rows.decode((Bool, Bool, String).self) {
            guard !hasEvents, !hasSeals else {
                throw EventStoreError(.logNotEmpty, "the target log is not empty: import loads a file into an empty log only; nothing was imported")
            }
            importTransaction = UInt64(transaction) ?? 0
        }
        let state = ImportState()
        try await connection.copyFrom(
            table: "events",
            columns: [
                "position", "transaction_id", "event_id", "stream", "category", "stream_id", "stream_version", "tenant_id", "type",
                "schema_version", "data", "metadata", "recorded_at",
            ],
            logger: logger
        ) { writer in
            var copy = CopyTextWriter(capacity: Self.copyChunkSize + 64 * 1024)
            var more = true
            while more {
                more = try lines.readLines({ line, number in try state.take(line, number: number, into: &copy) }) { leftover in
                    throw ArchiveFailure(reason: "the file ends inside a line (\(leftover) bytes without a line end): it is truncated")
                }
                if copy.buffer.readableBytes >= Self.copyChunkSize {
                    try await writer.write(copy.buffer)
                    copy.buffer.clear()
                }
                progress(lines.progress.read, lines.progress.size)
            }
            try state.finish()
            if copy.buffer.readableBytes > 0 { try await writer.write(copy.buffer) }
        }
        guard let header = state.header, let digest = state.digest else { throw ArchiveFailure(reason: "the file has no trailer: it is truncated") }
        let highest = Self.firstTransactionID + UInt64(state.runs)
        if highest >= importTransaction {
            throw TransactionIDShortage(needed: Int(highest - importTransaction) + 1)
        }
        if state.count > 0 {
            _ = try await connection.query(
                "SELECT setval(pg_get_serial_sequence('events', 'position'), \(state.maxPosition))", logger: logger)
            _ = try await connection.query("SELECT setval('events_stream_id_seq', \(Int64(state.streams.count)))", logger: logger)
        }
        return LogImportReport(events: state.count, streams: state.streams.count, transactions: state.runs, header: header, sha256: digest)
    }
}

/// What the import has seen so far; checks each line and turns it into a `COPY` row.
final class ImportState {
    typealias Member = ArchiveLineScanner.Member
    typealias Failure = LogImporter.ArchiveFailure

    var header: LogArchiveHeader?
    var hasher = SHA256()
    var count = 0
    /// Per stream: its number here and its last version.
    var streams: [String: (id: Int64, version: Int64)] = [:]
    var positions = Set<Int64>()
    var maxPosition: Int64 = 0
    var lastPosition: Int64 = .max
    var runs = 0
    var digest: String?

    func take(_ line: UnsafeBufferPointer<UInt8>, number: Int, into copy: inout CopyTextWriter) throws {
        guard digest == nil else { throw Failure(reason: "line \(number): there are lines after the trailer") }
        if number == 1 {
            do {
                header = try JSONDecoder().decode(LogArchiveHeader.self, from: Data(buffer: line))
            } catch {
                throw Failure(reason: "line 1 is not the header of a Tidemark export")
            }
            guard let header, header.format == LogArchiveHeader.formatName else {
                throw Failure(reason: "line 1 is not the header of a Tidemark export")
            }
            guard header.version == LogArchiveHeader.currentVersion else {
                throw Failure(reason: "the file is format version \(header.version); this build reads version \(LogArchiveHeader.currentVersion)")
            }
            hash(line)
            return
        }
        let values: [ArchiveLineScanner.Value?]
        do { values = try ArchiveLineScanner.scan(line) } catch { throw Failure(reason: "line \(number): \(error.reason)") }
        if values[Member.trailer.rawValue] != nil {
            try trailer(line, number: number)
            return
        }
        hash(line)
        try event(line, values, number: number, into: &copy)
    }

    func finish() throws {
        guard digest != nil else { throw Failure(reason: "the file has no trailer: it is truncated") }
    }

    private func hash(_ line: UnsafeBufferPointer<UInt8>) {
        hasher.update(bufferPointer: UnsafeRawBufferPointer(line))
        withUnsafeBytes(of: UInt8(ascii: "\n")) { hasher.update(bufferPointer: $0) }
    }

    private func trailer(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws {
        let trailer: LogArchiveTrailer
        do { trailer = try JSONDecoder().decode(LogArchiveTrailer.self, from: Data(buffer: line)) } catch {
            throw Failure(reason: "line \(number): the trailer cannot be read")
        }
        let computed = Hex.encode(hasher.finalize())
        guard trailer.sha256.lowercased() == computed else {
            throw Failure(reason: "the SHA-256 of the content (\(computed)) differs from the trailer's (\(trailer.sha256)): the file was changed or damaged")
        }
        guard trailer.events == count, header?.events == count else {
            throw Failure(reason: "the file holds \(count) events, but its header says \(header?.events ?? -1) and its trailer \(trailer.events)")
        }
        digest = computed
    }

    private func event(_ line: UnsafeBufferPointer<UInt8>, _ values: [ArchiveLineScanner.Value?], number: Int, into copy: inout CopyTextWriter) throws {
        func value(_ member: Member, _ kind: ArchiveLineScanner.Value.Kind, nullable: Bool = false) throws -> ArchiveLineScanner.Value? {
            guard let value = values[member.rawValue] else {
                throw Failure(reason: "line \(number): the event has no \(ArchiveLineScanner.keys[member.rawValue].string)")
            }
            if nullable, ArchiveLineScanner.isNull(line, value) { return nil }
            guard value.kind == kind else { throw Failure(reason: "line \(number): \(ArchiveLineScanner.keys[member.rawValue].string) has the wrong type") }
            return value
        }
        func integer(_ member: Member) throws -> Int64 {
            guard let parsed = ArchiveLineScanner.integer(line, try value(member, .number)), parsed > 0 else {
                throw Failure(reason: "line \(number): \(ArchiveLineScanner.keys[member.rawValue].string) is not a positive integer")
            }
            return parsed
        }
        let position = try integer(.position)
        let streamVersion = try integer(.streamVersion)
        let schemaVersion = try integer(.schemaVersion)
        guard schemaVersion <= Int64(Int32.max) else { throw Failure(reason: "line \(number): schema_version is too large") }
        guard let streamValue = try value(.stream, .string), !streamValue.escaped else {
            throw Failure(reason: "line \(number): the stream name holds escapes, which no stream name may")
        }
        let streamName = String(decoding: UnsafeBufferPointer(rebasing: line[streamValue.range]), as: UTF8.self)
        guard let stream = try? StreamName(streamName) else { throw Failure(reason: "line \(number): '\(streamName)' is not a valid stream name") }
        guard positions.insert(position).inserted else { throw Failure(reason: "line \(number): position \(position) appears twice") }
        let streamID: Int64
        if let known = streams[streamName] {
            guard streamVersion == known.version + 1 else {
                throw Failure(reason: "line \(number): stream \(streamName) goes from version \(known.version) to \(streamVersion)")
            }
            streamID = known.id
        } else {
            guard streamVersion == 1 else {
                throw Failure(
                    reason:
                        "line \(number): stream \(streamName) starts at version \(streamVersion): only an export from the start of the log (no --from) can be loaded into an empty log"
                )
            }
            streamID = Int64(streams.count + 1)
        }
        streams[streamName] = (streamID, streamVersion)
        if position <= lastPosition { runs += 1 }
        lastPosition = position
        maxPosition = max(maxPosition, position)
        count += 1
        let eventID = try value(.eventID, .string)
        let tenant = try value(.tenantID, .string, nullable: true)
        let type = try value(.type, .string)
        let recordedAt = try value(.recordedAt, .string)
        let data = try value(.data, .composite)
        let metadata = try value(.metadata, .composite)
        guard let eventID, let type, let recordedAt, let data, let metadata else { throw Failure(reason: "line \(number): a member is null") }
        guard line[data.range.lowerBound] == UInt8(ascii: "{"), line[metadata.range.lowerBound] == UInt8(ascii: "{") else {
            throw Failure(reason: "line \(number): data and metadata must be JSON objects")
        }
        do {
            copy.integer(position)
            copy.tab()
            copy.integer(Int64(LogImporter.firstTransactionID) + Int64(runs) - 1)
            copy.tab()
            try copy.jsonString(line, eventID.range, escapes: eventID.escaped)
            copy.tab()
            copy.plain(streamName)
            copy.tab()
            copy.plain(stream.category)
            copy.tab()
            copy.integer(streamID)
            copy.tab()
            copy.integer(streamVersion)
            copy.tab()
            if let tenant { try copy.jsonString(line, tenant.range, escapes: tenant.escaped) } else { copy.null() }
            copy.tab()
            try copy.jsonString(line, type.range, escapes: type.escaped)
            copy.tab()
            copy.integer(schemaVersion)
            copy.tab()
            copy.raw(line, data.range)
            copy.tab()
            copy.raw(line, metadata.range)
            copy.tab()
            try copy.jsonString(line, recordedAt.range, escapes: recordedAt.escaped)
            copy.endRow()
        } catch {
            throw Failure(reason: "line \(number): \(error.reason)")
        }
    }
}

extension [UInt8] {
    fileprivate var string: String { String(decoding: self, as: UTF8.self) }
}
