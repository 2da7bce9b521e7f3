import GRDB

/// The replica's schema, as versioned migrations. A shipped migration is never edited: a schema
/// change is a new migration appended here.
enum ReplicaMigrator {
    /// The migrator with every migration registered.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try EntityTable.createTables(db)
            try ServerRow.createTable(db)
            try QueuedMutation.createTable(db)
            try Rejection.createTable(db)
            try SyncStateStore.createTable(db)
        }
        return migrator
    }
}
