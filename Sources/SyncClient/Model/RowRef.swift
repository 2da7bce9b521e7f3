import SyncProtocol

/// The address of one replicated row: its entity and its key.
public struct RowRef: Sendable, Hashable, CustomStringConvertible {
    /// The kind of row (and the replica table holding it).
    public var entity: SyncEntity
    /// The row's key: the entity id, or `todo_id:reminder_id` for reminders.
    public var key: String

    /// Creates a reference.
    /// - Parameters:
    ///   - entity: The kind of row.
    ///   - key: The row's key.
    public init(_ entity: SyncEntity, _ key: String) {
        self.entity = entity
        self.key = key
    }

    /// `entity/key`.
    public var description: String { "\(entity.rawValue)/\(key)" }
}
