import Domain
import EventStore
import Foundation
import PostgresNIO

/// A device's highest answered sequence number and its answers above a number, prepared once per
/// connection (each pull that reaches the end of the feed runs it to compute `included_seq`).
///
/// The answers start above the smaller of the given number and the highest answered one. Always
/// one row at least; columns: highest answered seq, then seq, status, transaction id (text), last
/// position and event types of an answer (all `NULL` when there is none).
struct DeviceAnswersStatement: BoundStatement {
    static let name = "tidemark_pull_device_answers"
    static let sql = """
        WITH answered AS (
            SELECT coalesce(max(seq), 0) AS last FROM sync_mutations
            WHERE tenant_id = $1::uuid AND user_id = $2::uuid AND device_id = $3::uuid
        )
        SELECT answered.last, m.seq, m.status, m.transaction_id::text, m.last_position, m.event_types
        FROM answered LEFT JOIN LATERAL (
            SELECT seq, status, transaction_id, last_position, event_types FROM sync_mutations
            WHERE tenant_id = $1::uuid AND user_id = $2::uuid AND device_id = $3::uuid
              AND seq > least($4::int8, answered.last)
            ORDER BY seq LIMIT 10000
        ) AS m ON true
        ORDER BY m.seq
        """

    let bindings: PostgresBindings

    init(_ device: SyncDevice, above seq: Int64) {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(device.tenantID.rawValue)
        bindings.append(device.userID.rawValue)
        bindings.append(device.deviceID.rawValue)
        bindings.append(seq)
        self.bindings = bindings
    }
}
