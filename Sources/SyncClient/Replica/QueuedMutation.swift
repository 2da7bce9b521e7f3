import GRDB
import SyncProtocol

/// A local mutation in the `mutations` queue: pending until the server answers, then applied
/// until a pull includes its effects. It survives restarts in the replica file.
public struct QueuedMutation: Sendable, Hashable {
    /// Where the mutation is in its life.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Not yet answered by the server (it is sent on the next sync).
        case pending
        /// Applied by the server; still re-applied locally until a pull includes it.
        case applied
    }

    /// The device's sequence number.
    public var seq: Int64
    /// The mutation's id (a lowercase UUID), the same on every retry.
    public var id: String
    /// The mutation's name.
    public var name: MutationName
    /// Its arguments (a JSON object; ids lowercased).
    public var args: JSONValue
    /// Pending or applied.
    public var status: Status
    /// When it was made (ISO-8601, UTC); its local effects use this time.
    public var createdAt: String
    /// The log positions the server reported when it applied it.
    public var positions: [Int64]

    /// The mutation as it travels in a ``SyncPushRequest``.
    public var wire: Mutation { Mutation(id: id, seq: seq, name: name.rawValue, args: args) }
}

extension QueuedMutation {
    /// Creates the table (migration `v1`).
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE mutations (
                seq        INTEGER PRIMARY KEY,
                id         TEXT NOT NULL UNIQUE,
                name       TEXT NOT NULL,
                args       TEXT NOT NULL CHECK (json_valid(args)),
                status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied')),
                created_at TEXT NOT NULL,
                positions  TEXT CHECK (positions IS NULL OR json_valid(positions))
            )
            """)
    }

    /// Every queued mutation in sequence order, or only those with one status.
    static func fetchAll(_ db: Database, status: Status? = nil, limit: Int? = nil) throws -> [QueuedMutation] {
        var sql = "SELECT seq, id, name, args, status, created_at, positions FROM mutations"
        var arguments: StatementArguments = []
        if let status {
            sql += " WHERE status = ?"
            arguments += [status.rawValue]
        }
        sql += " ORDER BY seq"
        if let limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(decode)
    }

    /// The queued mutation with this id, or `nil`.
    static func fetch(id: String, _ db: Database) throws -> QueuedMutation? {
        try Row.fetchOne(
            db, sql: "SELECT seq, id, name, args, status, created_at, positions FROM mutations WHERE id = ?",
            arguments: [id]
        ).map(decode)
    }

    /// How many mutations have a status.
    static func count(_ status: Status, _ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM mutations WHERE status = ?", arguments: [status.rawValue]) ?? 0
    }

    /// Adds the mutation to the queue.
    func insert(_ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO mutations (seq, id, name, args, status, created_at, positions) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [seq, id, name.rawValue, try JSONText.encode(args), status.rawValue, createdAt,
                        positions.isEmpty ? nil : try JSONText.encode(positions)])
    }

    /// Marks a mutation applied, with the server's log positions.
    static func markApplied(id: String, positions: [Int64], _ db: Database) throws {
        try db.execute(
            sql: "UPDATE mutations SET status = 'applied', positions = ? WHERE id = ?",
            arguments: [try JSONText.encode(positions), id])
    }

    /// Removes a mutation from the queue.
    static func delete(id: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM mutations WHERE id = ?", arguments: [id])
    }

    /// Removes the applied mutations a pull's state includes; returns them.
    static func deleteApplied(throughSeq seq: Int64, _ db: Database) throws -> [QueuedMutation] {
        let included = try Row.fetchAll(
            db, sql: """
                SELECT seq, id, name, args, status, created_at, positions FROM mutations
                WHERE status = 'applied' AND seq <= ? ORDER BY seq
                """,
            arguments: [seq]
        ).map(decode)
        try db.execute(sql: "DELETE FROM mutations WHERE status = 'applied' AND seq <= ?", arguments: [seq])
        return included
    }

    /// Reads one row of the table.
    private static func decode(_ row: Row) throws -> QueuedMutation {
        let rawName: String = row["name"]
        let rawStatus: String = row["status"]
        guard let name = MutationName(rawValue: rawName), let status = Status(rawValue: rawStatus) else {
            throw SyncClientError(.database, "the mutation queue holds an unknown mutation \(rawName) (\(rawStatus))")
        }
        let positionsText: String? = row["positions"]
        return QueuedMutation(
            seq: row["seq"], id: row["id"], name: name, args: try JSONText.decode(from: row["args"]),
            status: status, createdAt: row["created_at"],
            positions: try positionsText.map { try JSONText.decode([Int64].self, from: $0) } ?? [])
    }
}
