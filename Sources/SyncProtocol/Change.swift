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
    /// The row (upserts only).
    public var row: JSONValue?

    /// Creates a change.
    public init(entity: SyncEntity, key: String, op: Operation, row: JSONValue? = nil) {
        self.entity = entity
        self.key = key
        self.op = op
        self.row = row
    }
}
