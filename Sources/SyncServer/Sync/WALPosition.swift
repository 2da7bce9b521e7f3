/// PostgreSQL write-ahead-log positions (`pg_lsn`) as numbers.
enum WALPosition {
    /// The number of an LSN's text form, `X/Y` with `X` and `Y` in hexadecimal (`16/B374D848`).
    static func parse(_ text: String) -> UInt64? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16), high <= UInt64(UInt32.max),
            low <= UInt64(UInt32.max)
        else { return nil }
        return high << 32 | low
    }

    /// The LSN text of a number (for log lines).
    static func text(_ position: UInt64) -> String {
        String(position >> 32, radix: 16, uppercase: true) + "/" + String(position & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    /// The SQL expression of the node's own position: on a standby the last replayed record's end
    /// (everything its snapshots can see was replayed below it), elsewhere the current insert
    /// position (every commit a snapshot can see was inserted below it).
    static let currentSQL =
        "(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END)::text"
}
