import EventStore
import Projections

/// Every migration the server needs beyond the event store's own, applied at start and by `synccli migrate`.
public enum TidemarkMigrations {
    /// The migrations of the command service and of the projections.
    public static var all: [Migration] { CommandServiceMigrations.all + ProjectionMigrations.all + SyncMigrations.all + PushMigrations.all }
}
