import GRDB
import SyncProtocol

/// A mutation the server refused for good. Its local effect was rolled back; it is kept in the
/// `rejections` table so the app can show why, retry it or dismiss it.
public struct Rejection: Sendable, Hashable {
    /// The sequence number it had.
    public var seq: Int64
    /// The mutation's id.
    public var id: String
    /// The mutation's name.
    public var name: MutationName
    /// Its arguments.
    public var args: JSONValue
    /// The server's stable refusal code, for example `deleted`, `forbidden`, `illegal_transition`.
    public var code: String
    /// The server's message for a person.
    public var message: String
    /// When the client learned of it (ISO-8601, UTC).
    public var rejectedAt: String
}

extension Rejection {
    /// Creates the table (migration `v1`).
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE rejections (
                seq         INTEGER PRIMARY KEY,
                id          TEXT NOT NULL UNIQUE,
                name        TEXT NOT NULL,
                args        TEXT NOT NULL CHECK (json_valid(args)),
                code        TEXT NOT NULL,
                message     TEXT NOT NULL,
                rejected_at TEXT NOT NULL
            )
            """)
    }

    /// Every rejection, oldest first.
    static func fetchAll(_ db: Database) throws -> [Rejection] {
        try Row.fetchAll(db, sql: "SELECT seq, id, name, args, code, message, rejected_at FROM rejections ORDER BY seq")
            .map(decode)
    }

    /// The rejection with this id, or `nil`.
    static func fetch(id: String, _ db: Database) throws -> Rejection? {
        try Row.fetchOne(
            db, sql: "SELECT seq, id, name, args, code, message, rejected_at FROM rejections WHERE id = ?", arguments: [id]
        ).map(decode)
    }

    /// How many rejections are kept.
    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM rejections") ?? 0
    }

    /// Stores the rejection (a repeated answer for the same id replaces the first).
    func insert(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO rejections (seq, id, name, args, code, message, rejected_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [seq, id, name.rawValue, try JSONText.encode(args), code, message, rejectedAt])
    }

    /// Removes a rejection; returns whether one existed.
    static func delete(id: String, _ db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM rejections WHERE id = ?", arguments: [id])
        return db.changesCount > 0
    }

    /// Removes every rejection.
    static func deleteAll(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM rejections")
    }

    /// Reads one row of the table.
    private static func decode(_ row: Row) throws -> Rejection {
        let rawName: String = row["name"]
        guard let name = MutationName(rawValue: rawName) else {
            throw SyncClientError(.database, "the rejections table holds an unknown mutation \(rawName)")
        }
        return Rejection(
            seq: row["seq"], id: row["id"], name: name, args: try JSONText.decode(from: row["args"]),
            code: row["code"], message: row["message"], rejectedAt: row["rejected_at"])
    }
}
