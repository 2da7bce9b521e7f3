import EventStore
import Outbox
import Privacy
import Projections

/// Every migration the server needs beyond the event store's own, applied at start and by `synccli migrate`.
public enum TidemarkMigrations {
    /// The migrations of the command service, the personal data keys, the projections, the sync
    /// server and auth, in the order their components apply (`auth` alters `sync`'s tables, so it
    /// comes after it).
    public static var all: [Migration] {
        CommandServiceMigrations.all + PrivacyMigrations.all + ProjectionMigrations.all + SyncMigrations.all + PushMigrations.all + AuthMigrations.all
    }
}
