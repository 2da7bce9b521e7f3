import GRDB
import SyncProtocol

/// The `server_rows` table: the last state of each row as the server sent it, the base the
/// pending mutations are re-applied on.
enum ServerRow {
    /// Creates the table (migration `v1`).
    static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE server_rows (
                    entity TEXT NOT NULL,
                    key    TEXT NOT NULL,
                    data   TEXT NOT NULL CHECK (json_valid(data)),
                    PRIMARY KEY (entity, key)
                ) WITHOUT ROWID
                """)
    }

    /// The server's copy of a row, or `nil`.
    static func fetch(_ ref: RowRef, _ db: Database) throws -> JSONValue? {
        try String.fetchOne(
            db, sql: "SELECT data FROM server_rows WHERE entity = ? AND key = ?",
            arguments: [ref.entity.rawValue, ref.key]
        ).map { try JSONText.decode(from: $0) }
    }

    /// Stores the server's copy of a row, or removes it when `row` is `nil` (a tombstone).
    static func store(_ row: JSONValue?, at ref: RowRef, _ db: Database) throws {
        try store(text: try row.map { try JSONText.encode($0) }, at: ref, db)
    }

    /// Stores a server copy given as JSON text, or removes it when `text` is `nil`.
    static func store(text: String?, at ref: RowRef, _ db: Database) throws {
        if let text {
            try db.cachedStatement(
                sql: """
                    INSERT INTO server_rows (entity, key, data) VALUES (?, ?, ?)
                    ON CONFLICT (entity, key) DO UPDATE SET data = excluded.data
                    """
            ).execute(arguments: [ref.entity.rawValue, ref.key, text])
        } else {
            try db.cachedStatement(sql: "DELETE FROM server_rows WHERE entity = ? AND key = ?").execute(arguments: [ref.entity.rawValue, ref.key])
        }
    }

    /// Removes every server copy.
    static func deleteAll(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM server_rows")
    }
}
