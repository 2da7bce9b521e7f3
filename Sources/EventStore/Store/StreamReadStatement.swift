import PostgresNIO

/// Up to `limit` events of one stream from a version on, forwards (``EventStore/read(stream:from:direction:limit:)``),
/// prepared once per connection: every command loads its stream this way.
///
/// A stream's first event is found by its name, the later ones by the stream's number (the two
/// partial unique indexes of docs/architecture.md).
struct StreamReadStatement: BoundStatement {
    static let name = "tidemark_read_stream"
    static let sql = """
        SELECT \(EventStore.eventColumns) FROM events
        WHERE stream = $1::text AND stream_version = 1 AND $2::int8 <= 1
        UNION ALL
        (SELECT \(EventStore.eventColumns) FROM events
         WHERE stream_id = (SELECT stream_id FROM events WHERE stream = $1::text AND stream_version = 1)
           AND stream_version > 1 AND stream_version >= $2::int8
         ORDER BY stream_version ASC LIMIT $3::int8)
        ORDER BY stream_version ASC LIMIT $3::int8
        """

    let bindings: PostgresBindings

    /// The statement for `stream` from version `version` on, at most `limit` events.
    init(stream: StreamName, from version: Int64, limit: Int) {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(stream.rawValue)
        bindings.append(version)
        bindings.append(Int64(limit))
        self.bindings = bindings
    }
}
