import Foundation
import PostgresNIO

/// The raw baseline's single-row INSERT, prepared like the event store's append so both sides pay
/// the same driver and protocol costs.
struct RawInsertOne: PostgresPreparedStatement {
    typealias Row = Int64

    static let sql = """
        INSERT INTO bench_raw (event_id, stream, stream_version, tenant_id, type, schema_version, data, metadata)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)
        RETURNING position
        """

    var id: UUID
    var stream: String
    var version: Int64
    var data: String
    var metadata: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 8)
        bindings.append(id)
        bindings.append(stream)
        bindings.append(version)
        bindings.append("tenant-1")
        bindings.append("TodoCreated")
        bindings.append(Int32(1))
        bindings.append(data)
        bindings.append(metadata)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

/// The raw baseline's multi-row INSERT of a batch.
struct RawInsertBatch: PostgresPreparedStatement {
    typealias Row = Int64

    static let sql = """
        INSERT INTO bench_raw (event_id, stream, stream_version, tenant_id, type, schema_version, data, metadata)
        SELECT e.id, $1, e.v, 'tenant-1', 'TodoCreated', 1, e.d::jsonb, e.m::jsonb
        FROM unnest($2::uuid[], $3::int8[], $4::text[], $5::text[]) AS e(id, v, d, m)
        RETURNING position
        """

    var stream: String
    var ids: [UUID]
    var versions: [Int64]
    var data: [String]
    var metadata: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(stream)
        bindings.append(ids)
        bindings.append(versions)
        bindings.append(data)
        bindings.append(metadata)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}
