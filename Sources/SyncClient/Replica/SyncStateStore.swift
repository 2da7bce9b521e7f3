import GRDB

/// The `sync_state` table: the replica's key/value settings (cursor, session, counters).
enum SyncStateStore {
    /// The keys the client stores.
    enum Key: String, CaseIterable {
        /// The pull cursor (opaque).
        case cursor
        /// When the last sync completed.
        case lastSyncAt = "last_sync_at"
        /// The server's base URL.
        case serverURL = "server_url"
        /// This replica's device id (a UUID made when the file was created).
        case deviceID = "device_id"
        /// The signed-in user.
        case userID = "user_id"
        /// The user's tenant.
        case tenantID = "tenant_id"
        /// The session id.
        case sessionID = "session_id"
        /// The access token (JWT).
        case accessToken = "access_token"
        /// When the access token expires (seconds since 1970, as text).
        case accessExpiresAt = "access_expires_at"
        /// The refresh token (rotates on every use).
        case refreshToken = "refresh_token"
        /// The sequence number the next mutation gets.
        case nextSeq = "next_seq"
        /// The sync state's name (see `SyncState.name`).
        case state
        /// The protocol version the `upgrade_required` state was recorded for.
        case upgradeProtocol = "upgrade_protocol"
    }

    /// Creates the table (migration `v1`).
    static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE sync_state (
                    key   TEXT PRIMARY KEY NOT NULL,
                    value TEXT
                ) WITHOUT ROWID
                """)
    }

    /// One row of the table.
    struct Entry: Codable, FetchableRecord, PersistableRecord {
        static var databaseTableName: String { "sync_state" }

        /// The columns, for requests.
        enum Columns {
            static let key = Column(CodingKeys.key)
            static let value = Column(CodingKeys.value)
        }

        var key: String
        var value: String?
    }

    /// The stored value, or `nil`.
    static func get(_ key: Key, _ db: Database) throws -> String? {
        try Entry.fetchOne(db, key: key.rawValue)?.value
    }

    /// Stores a value; `nil` removes it.
    static func set(_ key: Key, _ value: String?, _ db: Database) throws {
        if let value {
            // Not `upsert`: it reads back the rowid, which a WITHOUT ROWID table has not.
            try Entry(key: key.rawValue, value: value).insert(db, onConflict: .replace)
        } else {
            _ = try Entry.deleteOne(db, key: key.rawValue)
        }
    }

    /// Every stored value.
    static func all(_ db: Database) throws -> [Key: String] {
        var values: [Key: String] = [:]
        for entry in try Entry.filter(Entry.Columns.value != nil).fetchAll(db) {
            if let key = Key(rawValue: entry.key), let value = entry.value { values[key] = value }
        }
        return values
    }
}
