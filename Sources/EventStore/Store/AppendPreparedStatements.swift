import Foundation
import PostgresNIO

/// The append statement for one event, prepared once per connection (the hot path of commands).
///
/// Same logic as ``AppendStatement/query(stream:expected:batch:)`` with scalar parameters: no
/// arrays to build or unnest, and no re-planning per call.
struct AppendOneStatement: PostgresPreparedStatement {
    typealias Row = (Int64, Int64, String)

    static let sql = """
        INSERT INTO events (event_id, stream, stream_id, category, stream_version, tenant_id, type, schema_version, data, metadata)
        SELECT $1, $2, coalesce(head.sid, \(AppendSQL.newStreamID)), split_part($2, '-', 1), coalesce(head.v, 0) + 1,
               NULLIF($3, ''), $4, $5, $6::jsonb, $7::jsonb
        FROM (SELECT 1) AS one
             LEFT JOIN LATERAL (
                 \(AppendSQL.head(of: "$2"))
             ) AS head ON true
        \(AppendSQL.expectation(on: "head"))
        RETURNING position, stream_version, transaction_id::text
        """

    var id: UUID
    var stream: String
    var tenant: String
    var type: String
    var schemaVersion: Int32
    var data: String
    var metadata: String
    var mode: Int32
    var exactVersion: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 9)
        bindings.append(id)
        bindings.append(stream)
        bindings.append(tenant)
        bindings.append(type)
        bindings.append(schemaVersion)
        bindings.append(data)
        bindings.append(metadata)
        bindings.append(mode)
        bindings.append(exactVersion)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// The append statement for a batch, prepared once per connection.
///
/// It answers with one row, not one per event: the positions in version order, the new stream
/// version and the transaction id, all `NULL` when the expectation refused the batch. One row
/// costs both sides less than a hundred (one `DataRow` message and one decode instead of a hundred).
struct AppendBatchStatement: PostgresPreparedStatement {
    typealias Row = (positions: [Int64]?, version: Int64?, transaction: String?)

    static let sql = """
        WITH head AS MATERIALIZED (
            SELECT coalesce(h.sid, \(AppendSQL.newStreamID)) AS sid, h.v, split_part($1, '-', 1) AS category
            FROM (SELECT 1) AS one
                 LEFT JOIN LATERAL (
                     \(AppendSQL.head(of: "$1"))
                 ) AS h ON true
            \(AppendSQL.expectation(on: "h"))
        ), written AS (
        INSERT INTO events (event_id, stream, stream_id, category, stream_version, tenant_id, type, schema_version, data, metadata)
        SELECT e.event_id, $1, head.sid, head.category, coalesce(head.v, 0) + e.ord, NULLIF(e.tenant_id, ''), e.type,
               e.schema_version, e.data::jsonb, e.metadata::jsonb
        FROM head,
             unnest($2::uuid[], $3::text[], $4::text[], $5::int4[], $6::text[], $7::text[])
               WITH ORDINALITY AS e(event_id, tenant_id, type, schema_version, data, metadata, ord)
        RETURNING position, stream_version
        )
        SELECT array_agg(position), max(stream_version), pg_current_xact_id_if_assigned()::text
        FROM written
        """

    var stream: String
    var batch: PreparedBatch
    var mode: Int32
    var exactVersion: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 9)
        bindings.append(stream)
        batch.bind(into: &bindings)
        bindings.append(mode)
        bindings.append(exactVersion)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (positions, version, transaction) = try row.decode(([Int64]?, Int64?, String?).self)
        // Rows are inserted in version order and a statement's identity values ascend, so the
        // positions in ascending order are the positions in version order (no sort in the statement).
        return (positions?.sorted(), version, transaction)
    }
}

/// SQL shared by the append statements: parameters `$8` (expectation mode) and `$9` (exact version).
enum AppendSQL {
    /// The stream's head: its number, its last version and the transaction that wrote it.
    ///
    /// The number comes from the stream's first event (partial unique index
    /// `events_stream_first_key`), the last later event from one backward probe of
    /// `events_stream_version_key` (`stream_version > 1` only); a stream of one event is its own
    /// head. `stream` is the SQL expression naming the stream; the sub-select yields columns `sid`,
    /// `v` and `t`, or no row for a new stream.
    static func head(of stream: String) -> String {
        """
        SELECT origin.stream_id AS sid, coalesce(tip.stream_version, 1) AS v,
                        coalesce(tip.transaction_id, origin.transaction_id) AS t
                 FROM events AS origin
                      LEFT JOIN LATERAL (SELECT stream_version, transaction_id FROM events
                                         WHERE stream_id = origin.stream_id AND stream_version > 1
                                         ORDER BY stream_version DESC LIMIT 1) AS tip ON true
                 WHERE origin.stream = \(stream) AND origin.stream_version = 1
        """
    }

    /// A query selecting `columns` (of `sid`, `v`, `t`) from `stream`'s head; no row for a new stream.
    static func headQuery(_ columns: String, of stream: StreamName) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(stream.rawValue)
        return PostgresQuery(unsafeSQL: "SELECT \(columns) FROM (\(head(of: "$1"))) AS head", binds: bindings)
    }

    /// A new stream's number, taken once per new stream (in a materialized CTE or a one-row `SELECT`).
    static let newStreamID = "nextval('events_stream_id_seq')"

    /// The `WHERE` clause of a single-stream statement's one-row head (`head`, the alias of a
    /// ``head(of:)`` sub-select), with the expectation in `$8` and `$9`: evaluated once, not once
    /// per event.
    static func expectation(on head: String) -> String {
        "WHERE " + expectationHolds(version: "\(head).v", transaction: "\(head).t", mode: "$8::int4", exactVersion: "$9::int8")
    }

    /// Whether an append may go after a stream's head: the expected version (`mode`: 0 any,
    /// 1 no stream, 2 exact, 3 stream exists) holds for the head's `version` (`NULL` for a new
    /// stream), and the stream stays in log order, never after an event of a younger transaction.
    /// The arguments are SQL expressions; every append statement uses this one condition.
    static func expectationHolds(version: String, transaction: String, mode: String, exactVersion: String) -> String {
        """
        CASE \(mode)
                WHEN 0 THEN true
                WHEN 1 THEN \(version) IS NULL
                WHEN 2 THEN coalesce(\(version), 0) = \(exactVersion)
                ELSE \(version) IS NOT NULL END
          AND (\(transaction) IS NULL OR \(transaction) <= pg_current_xact_id())
        """
    }
}
