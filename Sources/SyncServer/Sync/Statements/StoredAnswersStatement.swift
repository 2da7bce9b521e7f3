import Domain
import EventStore
import Foundation
import PostgresNIO

/// The stored answers of a push's mutations (by id or by sequence number) and the device's highest
/// answered number, prepared once per connection: every push runs it first.
///
/// Always one row at least; columns: mutation id, seq, status, positions, code, message (all
/// `NULL` when nothing is stored), and the highest answered seq.
struct StoredAnswersStatement: BoundStatement {
    static let name = "tidemark_push_stored_answers"
    static let sql = """
        SELECT mutation_id, seq, status, positions, code, message,
               (SELECT coalesce(max(seq), 0) FROM sync_mutations WHERE tenant_id = $1::uuid AND user_id = $2::uuid AND device_id = $3::uuid)
        FROM (SELECT 1) AS one
        LEFT JOIN sync_mutations ON tenant_id = $1::uuid AND user_id = $2::uuid AND device_id = $3::uuid
            AND (mutation_id = ANY($4::text[]) OR seq = ANY($5::int8[]))
        """

    let bindings: PostgresBindings

    init(_ device: SyncDevice, ids: [String], seqs: [Int64]) {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(device.tenantID.rawValue)
        bindings.append(device.userID.rawValue)
        bindings.append(device.deviceID.rawValue)
        bindings.append(ids)
        bindings.append(seqs)
        self.bindings = bindings
    }
}
