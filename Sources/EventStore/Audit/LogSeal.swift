/// One sealed block of the log: consecutive events in gap-free order, each with its SHA-256, and
/// the block's link in the chain.
///
/// A block's ``hash`` is SHA-256 of the previous block's hash (32 zero bytes before the first
/// block) followed by the block's event digests; an event's digest is computed by PostgreSQL from
/// every stored column (``eventDigestSQL``). Changing, removing or inserting an event changes a
/// digest or the list of positions; changing a seal breaks the chain from that block on.
public struct LogSeal: Sendable, Hashable {
    /// The block's number: 1, 2, 3… without gaps.
    public var block: Int64
    /// The place of the block's last event in the log.
    public var last: LogPosition
    /// The positions of the block's events, in gap-free order.
    public var positions: [Int64]
    /// The events' SHA-256 digests, 32 bytes each, in the order of ``positions``.
    public var digests: [UInt8]
    /// SHA-256(previous block's hash || ``digests``).
    public var hash: [UInt8]

    /// Creates a seal (read from `event_seals`).
    public init(block: Int64, last: LogPosition, positions: [Int64], digests: [UInt8], hash: [UInt8]) {
        self.block = block
        self.last = last
        self.positions = positions
        self.digests = digests
        self.hash = hash
    }

    /// The hash the chain starts from, before block 1.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// The SQL expression of one event's digest over the row `events e`: SHA-256 of a JSON array of
    /// every stored column (the JSON text makes the encoding unambiguous; `jsonb`'s text form is
    /// canonical; the time is in microseconds since 1970, so no time zone setting changes it).
    public static let eventDigestSQL = """
        sha256(convert_to(json_build_array(e.position, e.transaction_id::text, e.event_id, e.stream, e.stream_id, e.stream_version,
            e.category, e.tenant_id, e.type, e.schema_version, e.data, e.metadata,
            floor(extract(epoch FROM e.recorded_at) * 1000000)::int8)::text, 'UTF8'))
        """
}
