/// One row change in a ``PullResponse``: the row's current state, or a tombstone.
public struct Change: Sendable, Hashable, Codable {
    /// Whether the row exists.
    public enum Operation: String, Sendable, Hashable, Codable {
        /// Insert or replace the row with `row`.
        case upsert
        /// Remove the row: deleted, or no longer visible to this user.
        case delete
    }

    /// The kind of row.
    public var entity: SyncEntity
    /// The row's key.
    public var key: String
    /// Upsert or delete.
    public var op: Operation
    private var storedRow: JSONValue?
    /// The row exactly as the server sent it (JSON object text), when the page was read with
    /// ``PullResponse/init(json:)``; a replica stores it without parsing and re-encoding it.
    public private(set) var rowText: String?

    /// The row (upserts only).
    public var row: JSONValue? {
        get { storedRow ?? rowText.flatMap { try? JSONValue.parse($0) } }
        set {
            storedRow = newValue
            rowText = nil
        }
    }

    /// Creates a change.
    public init(entity: SyncEntity, key: String, op: Operation, row: JSONValue? = nil) {
        self.entity = entity
        self.key = key
        self.op = op
        self.storedRow = row
    }

    /// Creates a change whose row is JSON object text received from the server.
    public init(entity: SyncEntity, key: String, op: Operation, rowText: String?) {
        self.entity = entity
        self.key = key
        self.op = op
        self.rowText = rowText
    }

    enum CodingKeys: String, CodingKey { case entity, key, op, row }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            entity: try container.decode(SyncEntity.self, forKey: .entity), key: try container.decode(String.self, forKey: .key),
            op: try container.decode(Operation.self, forKey: .op), row: try container.decodeIfPresent(JSONValue.self, forKey: .row)
        )
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entity, forKey: .entity)
        try container.encode(key, forKey: .key)
        try container.encode(op, forKey: .op)
        try container.encodeIfPresent(row, forKey: .row)
    }

    /// Equal when entity, key, operation and row are equal (however the row is held).
    public static func == (lhs: Change, rhs: Change) -> Bool {
        lhs.entity == rhs.entity && lhs.key == rhs.key && lhs.op == rhs.op && lhs.row == rhs.row
    }

    /// Hashes entity, key and operation.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(entity)
        hasher.combine(key)
        hasher.combine(op)
    }
}
