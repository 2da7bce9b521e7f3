/// The answer to `GET /v1/sync/pull?cursor=…&limit=…`.
///
/// Apply `changes` in order, store `cursor`, and pull again while `has_more` is true. Without a
/// cursor the server starts a snapshot: every visible row, in pages, then the changes made while
/// the snapshot was taken. `reset` is true on the first page of a snapshot: the client drops
/// every replicated row first (keeping its pending mutations).
public struct PullResponse: Sendable, Hashable, Codable {
    /// Row changes, in order.
    public var changes: [Change]
    /// The opaque cursor to send next time.
    public var cursor: String
    /// Whether more changes are waiting.
    public var hasMore: Bool
    /// Whether the client must drop its replicated rows before applying `changes`.
    public var reset: Bool
    /// The highest sequence number of this device whose effects the returned state includes
    /// (read-your-writes): pending mutations up to it may be dropped from the queue.
    public var includedSeq: Int64

    /// Creates a response.
    public init(changes: [Change], cursor: String, hasMore: Bool, reset: Bool, includedSeq: Int64) {
        self.changes = changes
        self.cursor = cursor
        self.hasMore = hasMore
        self.reset = reset
        self.includedSeq = includedSeq
    }

    enum CodingKeys: String, CodingKey {
        case changes, cursor, reset
        case hasMore = "has_more"
        case includedSeq = "included_seq"
    }
}
