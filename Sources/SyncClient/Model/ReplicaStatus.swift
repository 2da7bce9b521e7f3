/// A summary of the replica for status screens and `synccli replica status`.
public struct ReplicaStatus: Sendable, Hashable, Codable {
    /// The sync state's name (see ``SyncState/name``).
    public var state: String
    /// The last error's code and message when the state is `offline`.
    public var lastError: String?
    /// The server the replica syncs with.
    public var serverURL: String?
    /// This replica's device id.
    public var deviceID: String
    /// The signed-in user's id (kept after the session ends).
    public var userID: String?
    /// The user's tenant id.
    public var tenantID: String?
    /// Mutations not yet sent (or sent without an answer).
    public var pendingMutations: Int
    /// Mutations the server applied whose effects a pull has not yet brought back.
    public var appliedMutations: Int
    /// Rejected mutations kept for the app to show or retry.
    public var rejections: Int
    /// The pull cursor (opaque), `nil` before the first pull.
    public var cursor: String?
    /// When the last sync completed (ISO-8601), `nil` if never.
    public var lastSyncAt: String?
    /// Rows per entity (visible rows).
    public var rows: [String: Int]

    /// Creates a status.
    public init(
        state: String, lastError: String?, serverURL: String?, deviceID: String, userID: String?, tenantID: String?,
        pendingMutations: Int, appliedMutations: Int, rejections: Int, cursor: String?, lastSyncAt: String?, rows: [String: Int]
    ) {
        self.state = state
        self.lastError = lastError
        self.serverURL = serverURL
        self.deviceID = deviceID
        self.userID = userID
        self.tenantID = tenantID
        self.pendingMutations = pendingMutations
        self.appliedMutations = appliedMutations
        self.rejections = rejections
        self.cursor = cursor
        self.lastSyncAt = lastSyncAt
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case state, cursor, rows, rejections
        case lastError = "last_error"
        case serverURL = "server_url"
        case deviceID = "device_id"
        case userID = "user_id"
        case tenantID = "tenant_id"
        case pendingMutations = "pending_mutations"
        case appliedMutations = "applied_mutations"
        case lastSyncAt = "last_sync_at"
    }
}
