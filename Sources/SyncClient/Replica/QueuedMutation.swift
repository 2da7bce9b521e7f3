import GRDB
import SyncProtocol

/// A local mutation in the `mutations` queue: pending until the server answers, then applied
/// until a pull includes its effects. It survives restarts in the replica file.
public struct QueuedMutation: Sendable, Hashable, Codable {
    /// Where the mutation is in its life.
    public enum Status: String, Sendable, Hashable, Codable, DatabaseValueConvertible {
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

    /// The members, named as the table's columns.
    enum CodingKeys: String, CodingKey {
        case seq, id, name, args, status, positions
        case createdAt = "created_at"
    }

    /// Decodes a mutation; `positions` may be missing (`NULL` in the table) while it is pending.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seq = try container.decode(Int64.self, forKey: .seq)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(MutationName.self, forKey: .name)
        args = try container.decode(JSONValue.self, forKey: .args)
        status = try container.decode(Status.self, forKey: .status)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        positions = try container.decodeIfPresent([Int64].self, forKey: .positions) ?? []
    }

    /// Encodes a mutation; no positions are left out (`NULL` in the table).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(args, forKey: .args)
        try container.encode(status, forKey: .status)
        try container.encode(createdAt, forKey: .createdAt)
        if !positions.isEmpty { try container.encode(positions, forKey: .positions) }
    }

    init(seq: Int64, id: String, name: MutationName, args: JSONValue, status: Status, createdAt: String, positions: [Int64]) {
        self.seq = seq
        self.id = id
        self.name = name
        self.args = args
        self.status = status
        self.createdAt = createdAt
        self.positions = positions
    }
}

extension QueuedMutation: FetchableRecord, PersistableRecord {
    /// The table.
    public static var databaseTableName: String { "mutations" }

    /// The columns of the `mutations` table, for requests.
    public enum Columns {
        /// The device's sequence number (the primary key).
        public static let seq = Column(CodingKeys.seq)
        /// The mutation's id.
        public static let id = Column(CodingKeys.id)
        /// The mutation's name.
        public static let name = Column(CodingKeys.name)
        /// Its arguments, as JSON text.
        public static let args = Column(CodingKeys.args)
        /// `pending` or `applied`.
        public static let status = Column(CodingKeys.status)
        /// When it was made.
        public static let createdAt = Column(CodingKeys.createdAt)
        /// The server's log positions, as JSON text (`NULL` while pending).
        public static let positions = Column(CodingKeys.positions)
    }

    /// Creates the table (migration `v1`).
    static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
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
    static func fetchInSequence(_ db: Database, status: Status? = nil, limit: Int? = nil) throws -> [QueuedMutation] {
        var request = all().order(Columns.seq)
        if let status { request = request.filter(Columns.status == status) }
        if let limit { request = request.limit(limit) }
        return try request.fetchAll(db)
    }

    /// The queued mutation with this id, or `nil`.
    static func fetch(id: String, _ db: Database) throws -> QueuedMutation? {
        try filter(Columns.id == id).fetchOne(db)
    }

    /// How many mutations have a status.
    static func count(_ status: Status, _ db: Database) throws -> Int {
        try filter(Columns.status == status).fetchCount(db)
    }

    /// Marks a mutation applied, with the server's log positions.
    static func markApplied(id: String, positions: [Int64], _ db: Database) throws {
        try filter(Columns.id == id).updateAll(
            db,
            [
                Columns.status.set(to: Status.applied),
                Columns.positions.set(to: try JSONText.encode(positions)),
            ])
    }

    /// Removes a mutation from the queue.
    static func delete(id: String, _ db: Database) throws {
        try filter(Columns.id == id).deleteAll(db)
    }

    /// Removes the applied mutations a pull's state includes; returns them.
    static func deleteApplied(throughSeq seq: Int64, _ db: Database) throws -> [QueuedMutation] {
        let request = filter(Columns.status == Status.applied && Columns.seq <= seq).order(Columns.seq)
        let included = try request.fetchAll(db)
        try request.deleteAll(db)
        return included
    }
}
