/// What ``LogExporter/export(to:progress:)`` wrote.
public struct LogExportReport: Sendable, Hashable {
    /// The file written.
    public var path: String
    /// Events written.
    public var events: Int
    /// Uncompressed bytes (header, events and trailer).
    public var bytes: Int
    /// Bytes of the compressed file.
    public var compressedBytes: Int
    /// The trailer's SHA-256 (hex).
    public var sha256: String
    /// The file's header.
    public var header: LogArchiveHeader

    /// Creates a report.
    public init(path: String, events: Int, bytes: Int, compressedBytes: Int, sha256: String, header: LogArchiveHeader) {
        self.path = path
        self.events = events
        self.bytes = bytes
        self.compressedBytes = compressedBytes
        self.sha256 = sha256
        self.header = header
    }
}
