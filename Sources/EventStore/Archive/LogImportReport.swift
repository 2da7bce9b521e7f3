/// What ``LogImporter/importFile(_:progress:)`` loaded.
public struct LogImportReport: Sendable, Hashable {
    /// Events loaded.
    public var events: Int
    /// Streams created.
    public var streams: Int
    /// Transactions the events were grouped in to keep the file's order (see ``LogImporter``).
    public var transactions: Int
    /// The file's header.
    public var header: LogArchiveHeader
    /// The file's SHA-256 (hex), as checked against its trailer.
    public var sha256: String

    /// Creates a report.
    public init(events: Int, streams: Int, transactions: Int, header: LogArchiveHeader, sha256: String) {
        self.events = events
        self.streams = streams
        self.transactions = transactions
        self.header = header
        self.sha256 = sha256
    }
}
