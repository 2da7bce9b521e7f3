import Domain
import EventStore
import Foundation
import PostgresNIO

/// The stored answers of one or more pushes' mutations (by id or by sequence number) and each
/// pushing device's highest answered number, prepared once per connection: every push runs it
/// first, and pushes combined into one transaction (``PushCombiner``) run it once for all.
///
/// Columns: the push's place in the statement (1-based), mutation id, seq, status, positions, code,
/// message, and the device's highest answered seq. One row per push carries the highest number
/// (its other columns `NULL`); a stored answer comes once or twice (found by its id, by its seq, or
/// both), its last column `NULL`. The two lookups are separate joins, so each is one index probe
/// per mutation (one join on "id or seq" read every answer of the device for each mutation).
struct StoredAnswersStatement: BoundStatement {
    static let name = "tidemark_push_stored_answers_v3"
    static let sql = """
        WITH d AS (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) WITH ORDINALITY AS d(tenant_id, user_id, device_id, part)
        ), m AS (
            SELECT * FROM unnest($4::int8[], $5::text[], $6::int8[]) AS m(part, mutation_id, seq)
        )
        SELECT d.part, NULL::text, NULL::int8, NULL::text, NULL::int8[], NULL::text, NULL::text,
               (SELECT coalesce(max(s.seq), 0) FROM sync_mutations s
                WHERE s.tenant_id = d.tenant_id AND s.user_id = d.user_id AND s.device_id = d.device_id)
        FROM d
        UNION ALL
        SELECT m.part, s.mutation_id, s.seq, s.status, s.positions, s.code, s.message, NULL::int8
        FROM m JOIN d ON d.part = m.part
        JOIN sync_mutations s ON s.tenant_id = d.tenant_id AND s.user_id = d.user_id AND s.device_id = d.device_id
            AND s.mutation_id = m.mutation_id
        UNION ALL
        SELECT m.part, s.mutation_id, s.seq, s.status, s.positions, s.code, s.message, NULL::int8
        FROM m JOIN d ON d.part = m.part
        JOIN sync_mutations s ON s.tenant_id = d.tenant_id AND s.user_id = d.user_id AND s.device_id = d.device_id
            AND s.seq = m.seq
        """

    let bindings: PostgresBindings

    /// The statement for `pushes`: each device with the ids and sequence numbers of its push.
    init(_ pushes: [(device: SyncDevice, ids: [String], seqs: [Int64])]) {
        var tenants: [UUID] = []
        var users: [UUID] = []
        var devices: [UUID] = []
        var parts: [Int64] = []
        var ids: [String] = []
        var seqs: [Int64] = []
        for (index, push) in pushes.enumerated() {
            tenants.append(push.device.tenantID.rawValue)
            users.append(push.device.userID.rawValue)
            devices.append(push.device.deviceID.rawValue)
            for (id, seq) in zip(push.ids, push.seqs) {
                parts.append(Int64(index + 1))
                ids.append(id)
                seqs.append(seq)
            }
        }
        var bindings = PostgresBindings(capacity: 6)
        bindings.append(tenants)
        bindings.append(users)
        bindings.append(devices)
        bindings.append(parts)
        bindings.append(ids)
        bindings.append(seqs)
        self.bindings = bindings
    }
}
