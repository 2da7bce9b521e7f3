import PostgresNIO

/// The events of several streams, each from its own version on, in stream and version order
/// (``EventStore/readAll(streamsFrom:)``), prepared once per connection.
///
/// Shaped like ``StreamsReadStatement``: a stream's first event is found by its name (only when
/// the stream is read from version 1), the later ones by the stream's number in a `LATERAL` join
/// on the first event, kept from being flattened by `OFFSET 0`.
struct StreamsReadFromStatement: BoundStatement {
    static let name = "tidemark_read_streams_from"
    static let sql = """
        SELECT \(EventStore.eventColumns) FROM unnest($1::text[], $2::int8[]) AS wanted(wanted_stream, wanted_from)
        JOIN events ON events.stream = wanted.wanted_stream AND events.stream_version = 1
        WHERE wanted.wanted_from <= 1
        UNION ALL
        SELECT later.* FROM unnest($1::text[], $2::int8[]) AS wanted(wanted_stream, wanted_from)
        JOIN events AS head ON head.stream = wanted.wanted_stream AND head.stream_version = 1
        CROSS JOIN LATERAL (
            SELECT \(EventStore.eventColumns) FROM events
            WHERE events.stream_id = head.stream_id AND events.stream_version > 1 AND events.stream_version >= wanted.wanted_from
            OFFSET 0
        ) AS later
        ORDER BY stream, stream_version
        """

    let bindings: PostgresBindings

    /// The statement for `versions` (each stream's first version to return).
    init(_ versions: [StreamName: Int64]) {
        let ordered = versions.sorted { $0.key.rawValue < $1.key.rawValue }
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(ordered.map(\.key.rawValue))
        bindings.append(ordered.map(\.value))
        self.bindings = bindings
    }
}
