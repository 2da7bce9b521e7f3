import GRDB
import SyncProtocol

/// The visible rows: one table per ``SyncEntity``, named by its raw value, holding each row's
/// JSON (the server's state with the pending mutations applied on top) and readable generated
/// columns, so `sqlite3 replica.sqlite 'select title, status from todos'` works.
enum EntityTable {
    /// The generated columns of each table: the main members of the row JSON.
    static func columns(of entity: SyncEntity) -> [String] {
        switch entity {
        case .tenant:
            ["tenant_id", "name", "code", "status"]
        case .profile:
            [
                "user_id", "tenant_id", "username", "email", "phone", "nickname", "avatar_url", "locale", "time_zone",
                "status", "roles", "registered_at", "updated_at",
            ]
        case .todos:
            [
                "todo_id", "tenant_id", "owner_id", "title", "description", "priority", "type", "status", "tags",
                "due_at", "completed_at", "cancelled_at", "created_at", "updated_at",
            ]
        case .reminders:
            ["todo_id", "reminder_id", "owner_id", "kind", "fire_at", "status", "updated_at"]
        case .inbox:
            ["notification_id", "tenant_id", "sender_id", "type", "title", "content", "sent_at", "read_at", "archived"]
        case .announcements:
            ["announcement_id", "tenant_id", "title", "body", "status", "published_at", "read_at"]
        case .orders:
            [
                "order_id", "tenant_id", "customer_id", "status", "complaint_status", "currency", "total_minor",
                "item_count", "placed_at", "updated_at",
            ]
        case .devices:
            [
                "device_id", "user_id", "platform", "provider", "environment", "push_token", "app_id", "app_version",
                "locale", "status", "registered_at",
            ]
        }
    }

    /// Creates every entity table (migration `v1`).
    static func createTables(_ db: Database) throws {
        for entity in SyncEntity.allCases {
            let generated = columns(of: entity).map { column in
                "\(column.quotedDatabaseIdentifier) GENERATED ALWAYS AS (json_extract(data, '$.\(column)')) VIRTUAL"
            }
            let definitions = ["key TEXT PRIMARY KEY NOT NULL", "data TEXT NOT NULL CHECK (json_valid(data))"] + generated
            try db.execute(sql: "CREATE TABLE \(entity.rawValue.quotedDatabaseIdentifier) (\(definitions.joined(separator: ", ")))")
        }
    }

    /// Every visible row of an entity, in key order.
    static func fetchAll(_ entity: SyncEntity, _ db: Database) throws -> [JSONValue] {
        try String.fetchAll(db, sql: "SELECT data FROM \(table(entity)) ORDER BY key")
            .map { try JSONText.decode(from: $0) }
    }

    /// Every visible key of an entity.
    static func keys(_ entity: SyncEntity, _ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT key FROM \(table(entity))")
    }

    /// How many visible rows an entity has.
    static func count(_ entity: SyncEntity, _ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table(entity))") ?? 0
    }

    /// One visible row, or `nil`.
    static func fetch(_ ref: RowRef, _ db: Database) throws -> JSONValue? {
        try String.fetchOne(db, sql: "SELECT data FROM \(table(ref.entity)) WHERE key = ?", arguments: [ref.key])
            .map { try JSONText.decode(from: $0) }
    }

    /// Writes a visible row, or removes it when `row` is `nil`.
    static func store(_ row: JSONValue?, at ref: RowRef, _ db: Database) throws {
        try store(text: try row.map { try JSONText.encode($0) }, at: ref, db)
    }

    /// Writes a visible row given as JSON text, or removes it when `text` is `nil` (cached
    /// statements: a snapshot writes many rows).
    static func store(text: String?, at ref: RowRef, _ db: Database) throws {
        if let text {
            try db.cachedStatement(sql: upsertSQL[ref.entity] ?? "").execute(arguments: [ref.key, text])
        } else {
            try db.cachedStatement(sql: deleteSQL[ref.entity] ?? "").execute(arguments: [ref.key])
        }
    }

    /// The upsert of each table, built once (a snapshot writes many rows).
    private static let upsertSQL: [SyncEntity: String] = Dictionary(
        uniqueKeysWithValues: SyncEntity.allCases.map { entity in
            (entity, "INSERT INTO \(table(entity)) (key, data) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET data = excluded.data")
        })

    /// The delete of each table, built once.
    private static let deleteSQL: [SyncEntity: String] = Dictionary(
        uniqueKeysWithValues: SyncEntity.allCases.map { entity in (entity, "DELETE FROM \(table(entity)) WHERE key = ?") })

    /// Removes every visible row of every entity.
    static func deleteAll(_ db: Database) throws {
        for entity in SyncEntity.allCases {
            try db.execute(sql: "DELETE FROM \(table(entity))")
        }
    }

    /// The quoted table name (a constant identifier, never user input).
    private static func table(_ entity: SyncEntity) -> String { entity.rawValue.quotedDatabaseIdentifier }
}
