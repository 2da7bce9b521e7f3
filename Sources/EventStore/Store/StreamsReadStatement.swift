import PostgresNIO

/// Every event of several streams, in stream and version order (``EventStore/readAll(streams:)``),
/// prepared once per connection.
///
/// A stream's first event is found by its name, the later ones by the stream's number (the two
/// partial unique indexes of docs/architecture.md).
struct StreamsReadStatement: BoundStatement {
    static let name = "tidemark_read_streams"
    static let sql = """
        SELECT \(EventStore.eventColumns) FROM events WHERE stream = ANY($1::text[]) AND stream_version = 1
        UNION ALL
        SELECT \(EventStore.eventColumns) FROM events
        WHERE stream_id IN (SELECT stream_id FROM events WHERE stream = ANY($1::text[]) AND stream_version = 1)
          AND stream_version > 1
        ORDER BY stream, stream_version
        """

    let bindings: PostgresBindings

    /// The statement for `streams`.
    init(_ streams: [StreamName]) {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(streams.map(\.rawValue))
        self.bindings = bindings
    }
}
