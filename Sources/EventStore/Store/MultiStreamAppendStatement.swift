import Foundation
import PostgresNIO

/// The append statement for several streams at once: one `INSERT … SELECT` that checks every
/// stream's expectation and writes all events or none.
///
/// Each stream's head is read as in ``AppendOneStatement`` (``AppendSQL/head(of:)``); the events
/// are inserted in the order given, so their positions follow it. When any stream's expectation
/// (or the log-order rule) fails, the statement writes nothing and returns no rows. Two writers
/// racing for a version collide on a unique index.
struct MultiStreamAppendStatement: PostgresPreparedStatement {
    typealias Row = (Int64, String, Int64, String)

    static let sql = """
        WITH e AS (
            SELECT * FROM unnest($1::text[], $2::int4[], $3::int8[], $4::int8[], $5::uuid[], $6::text[], $7::text[], $8::int4[], $9::text[], $10::text[])
                WITH ORDINALITY AS e(stream, mode, exact_version, ord, event_id, tenant_id, type, schema_version, data, metadata, n)
        ), heads AS MATERIALIZED (
            SELECT s.stream, s.mode, s.exact_version, h.v, h.t, coalesce(h.sid, \(AppendSQL.newStreamID)) AS sid,
                   split_part(s.stream, '-', 1) AS category
            FROM (SELECT DISTINCT stream, mode, exact_version FROM e) AS s
                 LEFT JOIN LATERAL (
                     \(AppendSQL.head(of: "s.stream"))
                 ) AS h ON true
        ), verdict AS (
            SELECT coalesce(bool_and(
                       \(AppendSQL.expectationHolds(version: "v", transaction: "t", mode: "mode", exactVersion: "exact_version"))
                   ), false) AS ok
            FROM heads
        )
        INSERT INTO events (event_id, stream, stream_id, category, stream_version, tenant_id, type, schema_version, data, metadata)
        SELECT e.event_id, e.stream, heads.sid, heads.category, coalesce(heads.v, 0) + e.ord, NULLIF(e.tenant_id, ''), e.type,
               e.schema_version, e.data::jsonb, e.metadata::jsonb
        FROM e JOIN heads USING (stream) CROSS JOIN verdict
        WHERE verdict.ok
        ORDER BY e.n
        RETURNING position, stream, stream_version, transaction_id::text
        """

    /// Per event: its stream, the stream's expectation, and its 1-based place in the stream's part.
    var streams: [String] = []
    var modes: [Int32] = []
    var exactVersions: [Int64] = []
    var ordinals: [Int64] = []
    /// The events themselves, in log order.
    var events = PreparedBatch()

    /// Flattens the prepared batches, one row per event, in `order` (part indexes, one entry per
    /// event: the k-th entry naming part p stands for p's k-th event), or part after part.
    init(_ parts: [(stream: StreamName, expected: ExpectedVersion, batch: PreparedBatch)], order: [Int]? = nil) {
        var next = Array(repeating: 0, count: parts.count)
        for partIndex in order ?? parts.indices.flatMap({ Array(repeating: $0, count: parts[$0].batch.count) }) {
            let part = parts[partIndex]
            let index = next[partIndex]
            next[partIndex] += 1
            streams.append(part.stream.rawValue)
            modes.append(part.expected.mode)
            exactVersions.append(part.expected.exactVersion)
            ordinals.append(Int64(index + 1))
            events.append(index, of: part.batch)
        }
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 10)
        bindings.append(streams)
        bindings.append(modes)
        bindings.append(exactVersions)
        bindings.append(ordinals)
        events.bind(into: &bindings)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
