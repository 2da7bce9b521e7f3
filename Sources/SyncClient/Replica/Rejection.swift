import GRDB
import SyncProtocol

/// A mutation the server refused for good. Its local effect was rolled back; it is kept in the
/// `rejections` table so the app can show why, retry it or dismiss it.
public struct Rejection: Sendable, Hashable, Codable {
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

    /// The members, named as the table's columns.
    enum CodingKeys: String, CodingKey {
        case seq, id, name, args, code, message
        case rejectedAt = "rejected_at"
    }
}

extension Rejection: FetchableRecord, PersistableRecord {
    /// The table.
    public static var databaseTableName: String { "rejections" }

    /// The columns of the `rejections` table, for requests.
    public enum Columns {
        /// The sequence number the mutation had (the primary key).
        public static let seq = Column(CodingKeys.seq)
        /// The mutation's id.
        public static let id = Column(CodingKeys.id)
        /// The mutation's name.
        public static let name = Column(CodingKeys.name)
        /// Its arguments, as JSON text.
        public static let args = Column(CodingKeys.args)
        /// The server's refusal code.
        public static let code = Column(CodingKeys.code)
        /// The server's message.
        public static let message = Column(CodingKeys.message)
        /// When the client learned of it.
        public static let rejectedAt = Column(CodingKeys.rejectedAt)
    }

    /// Creates the table (migration `v1`).
    static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
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
    static func fetchInSequence(_ db: Database) throws -> [Rejection] {
        try all().order(Columns.seq).fetchAll(db)
    }

    /// The rejection with this id, or `nil`.
    static func fetch(id: String, _ db: Database) throws -> Rejection? {
        try filter(Columns.id == id).fetchOne(db)
    }

    /// How many rejections are kept.
    static func count(_ db: Database) throws -> Int {
        try fetchCount(db)
    }

    /// Stores the rejection (a repeated answer for the same id replaces the first).
    func store(_ db: Database) throws {
        try insert(db, onConflict: .replace)
    }

    /// Removes a rejection; returns whether one existed.
    static func delete(id: String, _ db: Database) throws -> Bool {
        try filter(Columns.id == id).deleteAll(db) > 0
    }
}
