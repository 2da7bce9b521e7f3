import Foundation

/// The first line of an export file (`synccli events export`): what it is and what it holds.
///
/// The file is compressed (zstd or gzip) NDJSON: this header, one line per event in gap-free order, and a
/// trailer (``LogArchiveTrailer``) with the event count and a SHA-256 over every byte before it.
public struct LogArchiveHeader: Codable, Sendable, Hashable {
    /// Always ``LogArchiveHeader/formatName``.
    public var format: String
    /// The format's version; this build writes and reads ``LogArchiveHeader/currentVersion``.
    public var version: Int
    /// The source database's name.
    public var sourceDatabase: String
    /// The source cluster's system identifier (tells two clusters' databases of the same name apart).
    public var sourceSystemIdentifier: String
    /// When the export started (ISO 8601, UTC).
    public var exportedAt: String
    /// Only this tenant's events, when set.
    public var tenant: String?
    /// The global position of the first event asked for (`--from`), when set.
    public var fromPosition: Int64?
    /// The global position of the last event asked for (`--to`), when set.
    public var toPosition: Int64?
    /// The events in the file.
    public var events: Int

    /// The value of ``format``.
    public static let formatName = "tidemark-events"
    /// The format version this build writes.
    public static let currentVersion = 1

    enum CodingKeys: String, CodingKey {
        case format, version, tenant, events
        case sourceDatabase = "source_database"
        case sourceSystemIdentifier = "source_system_identifier"
        case exportedAt = "exported_at"
        case fromPosition = "from_position"
        case toPosition = "to_position"
    }
}

/// The last line of an export file.
public struct LogArchiveTrailer: Codable, Sendable, Hashable {
    /// Always `true`: tells the trailer from an event line.
    public var trailer: Bool
    /// The events in the file (equals the header's count).
    public var events: Int
    /// Lower-case hex SHA-256 over every byte of the uncompressed file before this line.
    public var sha256: String
}
