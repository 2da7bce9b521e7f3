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
        // `todos.personal_data` (a todo whose texts its owner marked as personal data).
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: "ALTER TABLE todos ADD COLUMN personal_data GENERATED ALWAYS AS (json_extract(data, '$.personal_data')) VIRTUAL")
        }
        return migrator
    }
}
