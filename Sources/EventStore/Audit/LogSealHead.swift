import Basics
import Logging
import PostgresNIO

/// The newest block of the chain: its number, hash and last event (block 0 before any seal).
public struct LogSealHead: Sendable, Hashable {
    /// The newest block's number; 0 when nothing is sealed.
    public var block: Int64
    /// The newest block's hash; ``LogSeal/genesis`` when nothing is sealed.
    public var hash: [UInt8]
    /// The place of the last sealed event; ``LogPosition/start`` when nothing is sealed.
    public var last: LogPosition

    /// Creates a head.
    public init(block: Int64, hash: [UInt8], last: LogPosition) {
        self.block = block
        self.hash = hash
        self.last = last
    }

    /// Before the first block.
    public static let empty = LogSealHead(block: 0, hash: LogSeal.genesis, last: .start)

    /// Reads the newest seal.
    static func read(on connection: PostgresConnection, logger: Logger) async throws -> LogSealHead {
        let rows = try await connection.query(
            "SELECT block, encode(hash, 'hex'), last_transaction_id::text, last_position FROM event_seals ORDER BY block DESC LIMIT 1",
            logger: logger
        )
        for try await (block, hash, transactionID, position) in rows.decode((Int64, String, String, Int64).self) {
            guard let hash = Hex.decode(hash), let transaction = UInt64(transactionID) else {
                throw EventStoreError(.database, "the database returned a seal this build cannot read")
            }
            return LogSealHead(block: block, hash: hash, last: LogPosition(transactionID: transaction, position: position))
        }
        return .empty
    }

    /// The place of the last event that is safe to read now (gap-free), or `nil` for an empty log.
    static func readableEnd(on connection: PostgresConnection, logger: Logger) async throws -> LogPosition? {
        let rows = try await connection.query(
            """
            SELECT transaction_id::text, position FROM events
            WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY transaction_id DESC, position DESC LIMIT 1
            """,
            logger: logger
        )
        for try await (transactionID, position) in rows.decode((String, Int64).self) {
            return UInt64(transactionID).map { LogPosition(transactionID: $0, position: position) }
        }
        return nil
    }

    /// How many events readable now come after `last`.
    static func unsealed(after last: LogPosition, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT count(*) FROM events
            WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              AND (transaction_id, position) > (\(String(last.transactionID))::text::xid8, \(last.position)::int8)
            """,
            logger: logger
        )
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
