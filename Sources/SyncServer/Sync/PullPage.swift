import SyncProtocol

/// One answer of `GET /v1/sync/pull` as the server builds it: rows stay the JSON text PostgreSQL
/// produced, and the page is written as JSON by hand (a snapshot page carries thousands of rows;
/// parsing and re-encoding each would cost more than reading it).
public struct PullPage: Sendable {
    /// A changed row: its current JSON, or `nil` for a tombstone.
    public struct RawChange: Sendable {
        /// The entity.
        public var entity: SyncEntity
        /// The row's key.
        public var key: String
        /// The row as JSON text (from `to_jsonb`), or `nil`.
        public var row: String?
    }

    /// The changes, in order.
    public var changes: [RawChange]
    /// The cursor to send next.
    public var cursor: String
    /// Whether more is waiting.
    public var hasMore: Bool
    /// Whether the client drops its replicated rows first.
    public var reset: Bool
    /// The highest sequence number of the device whose effects the state includes.
    public var includedSeq: Int64
    /// Where the page was read (not part of the body: the `X-Tidemark-Read-Source` header).
    public var source: ReadSource = .primary

    /// The page in the wire format of ``PullResponse``.
    public var json: String {
        var output = "{\"changes\":["
        output.reserveCapacity(64 + changes.reduce(0) { $0 + ($1.row?.utf8.count ?? 0) + 96 })
        for (index, change) in changes.enumerated() {
            if index > 0 { output += "," }
            output += "{\"entity\":\"\(change.entity.rawValue)\",\"key\":"
            JSONString.append(change.key, to: &output)
            if let row = change.row {
                output += ",\"op\":\"upsert\",\"row\":"
                output += row
            } else {
                output += ",\"op\":\"delete\""
            }
            output += "}"
        }
        output += "],\"cursor\":"
        JSONString.append(cursor, to: &output)
        output += ",\"has_more\":\(hasMore),\"reset\":\(reset),\"included_seq\":\(includedSeq)}"
        return output
    }
}
