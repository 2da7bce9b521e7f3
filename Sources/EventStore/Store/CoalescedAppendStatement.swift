import Foundation
import PostgresNIO

/// Several independent single-stream appends in one statement and one commit.
///
/// Unlike ``MultiStreamAppendStatement`` (all streams or none), each append here stands alone:
/// its stream's head is read as ``AppendSQL/head(of:)`` reads it, and only the
/// appends whose expectation (and the log-order rule) holds are written. The answer has one row
/// per written stream; an append without a row was refused and is retried on its own by the caller,
/// which then finds the precise reason. Two writers racing for a version, or an event id that is
/// already stored, make the whole statement fail on a unique index; the caller then runs every
/// append of the group on its own.
///
/// The appends are bound in stream-name order, so two groups lock index entries in the same
/// order and cannot deadlock each other.
struct CoalescedAppendStatement: PostgresPreparedStatement {
    typealias Row = (stream: String, positions: [Int64], version: Int64, transaction: String)

    static let sql = """
        WITH a AS MATERIALIZED (
            SELECT a.i, a.stream, h.v, coalesce(h.sid, \(AppendSQL.newStreamID)) AS sid, split_part(a.stream, '-', 1) AS category
            FROM unnest($1::text[], $2::int4[], $3::int8[]) WITH ORDINALITY AS a(stream, mode, exact_version, i)
                 LEFT JOIN LATERAL (
                     \(AppendSQL.head(of: "a.stream"))
                 ) AS h ON true
            WHERE \(AppendSQL.expectationHolds(version: "h.v", transaction: "h.t", mode: "a.mode", exactVersion: "a.exact_version"))
        ), written AS (
            INSERT INTO events (event_id, stream, stream_id, category, stream_version, tenant_id, type, schema_version, data, metadata)
            SELECT e.event_id, a.stream, a.sid, a.category, coalesce(a.v, 0) + e.ord, NULLIF(e.tenant_id, ''), e.type,
                   e.schema_version, e.data::jsonb, e.metadata::jsonb
            FROM unnest($4::int8[], $5::int8[], $6::uuid[], $7::text[], $8::text[], $9::int4[], $10::text[], $11::text[])
                   WITH ORDINALITY AS e(part, ord, event_id, tenant_id, type, schema_version, data, metadata, n)
                 JOIN a ON a.i = e.part
            ORDER BY e.n
            RETURNING stream, position, stream_version
        )
        SELECT stream, array_agg(position), max(stream_version),
               pg_current_xact_id_if_assigned()::text
        FROM written GROUP BY stream
        """

    /// Per append, in binding order: its stream and expectation.
    var streams: [String] = []
    var modes: [Int32] = []
    var exactVersions: [Int64] = []
    /// Per event: the 1-based append it belongs to and its 1-based place in that append.
    var parts: [Int64] = []
    var ordinals: [Int64] = []
    /// The events themselves, append after append.
    var events = PreparedBatch()

    /// Binds `appends` in the order given (the caller sorts them by stream name).
    init(_ appends: [AppendCoalescer.Request]) {
        for (index, append) in appends.enumerated() {
            streams.append(append.stream.rawValue)
            modes.append(append.expected.mode)
            exactVersions.append(append.expected.exactVersion)
            for event in 0..<append.batch.count {
                parts.append(Int64(index + 1))
                ordinals.append(Int64(event + 1))
                events.append(event, of: append.batch)
            }
        }
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(streams)
        bindings.append(modes)
        bindings.append(exactVersions)
        bindings.append(parts)
        bindings.append(ordinals)
        events.bind(into: &bindings)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (stream, positions, version, transaction) = try row.decode((String, [Int64], Int64, String).self)
        // Inserted in version order (`ORDER BY e.n`), so ascending positions are in version order.
        return (stream, positions.sorted(), version, transaction)
    }
}
