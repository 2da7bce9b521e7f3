import GRDB

/// Who makes the local mutations: the facts a mutation's local effect needs besides its
/// arguments (the owner of a new todo, the key of the profile row).
struct EffectContext: Sendable, Hashable {
    /// The signed-in user's id, `nil` before the first login.
    var userID: String?
    /// The user's tenant id, `nil` before the first login.
    var tenantID: String?

    /// The context stored in the replica.
    static func load(_ db: Database) throws -> EffectContext {
        EffectContext(
            userID: try SyncStateStore.get(.userID, db),
            tenantID: try SyncStateStore.get(.tenantID, db))
    }
}
