/// A reader's place in the whole log: the writing transaction's id and the event's global position.
///
/// The whole log is read in `(transactionID, position)` order, which is the order in which events
/// become safe to read; see `docs/architecture.md`. A checkpoint stores both numbers.
public struct LogPosition: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The top-level PostgreSQL transaction id (`xid8`) that wrote the event.
    public var transactionID: UInt64
    /// The event's global position (allocated by a sequence; unique, but not commit-ordered).
    public var position: Int64

    /// Creates a log position.
    public init(transactionID: UInt64, position: Int64) {
        self.transactionID = transactionID
        self.position = position
    }

    /// Before the first event.
    public static let start = LogPosition(transactionID: 0, position: 0)

    /// Orders by transaction id, then position.
    public static func < (lhs: LogPosition, rhs: LogPosition) -> Bool {
        (lhs.transactionID, lhs.position) < (rhs.transactionID, rhs.position)
    }

    /// `transactionID/position`, the form `synccli` prints and parses.
    public var description: String { "\(transactionID)/\(position)" }

    /// Parses `transactionID/position`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let tx = UInt64(parts[0]), let pos = Int64(parts[1]), pos >= 0 else { return nil }
        self.init(transactionID: tx, position: pos)
    }
}
