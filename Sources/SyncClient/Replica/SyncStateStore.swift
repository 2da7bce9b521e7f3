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
        try db.execute(sql: """
            CREATE TABLE sync_state (
                key   TEXT PRIMARY KEY NOT NULL,
                value TEXT
            ) WITHOUT ROWID
            """)
    }

    /// The stored value, or `nil`.
    static func get(_ key: Key, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM sync_state WHERE key = ?", arguments: [key.rawValue])
    }

    /// Stores a value; `nil` removes it.
    static func set(_ key: Key, _ value: String?, _ db: Database) throws {
        if let value {
            try db.execute(
                sql: "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [key.rawValue, value])
        } else {
            try db.execute(sql: "DELETE FROM sync_state WHERE key = ?", arguments: [key.rawValue])
        }
    }

    /// Every stored value.
    static func all(_ db: Database) throws -> [Key: String] {
        var values: [Key: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM sync_state WHERE value IS NOT NULL") {
            if let key = Key(rawValue: row["key"]), let value: String = row["value"] { values[key] = value }
        }
        return values
    }
}
