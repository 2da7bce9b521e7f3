import Foundation
import GRDB
import SyncProtocol

/// The signed-in session as the replica stores it.
struct StoredSession: Sendable, Hashable {
    /// The access token (JWT).
    var accessToken: String
    /// The refresh token (single use).
    var refreshToken: String
    /// When the access token expires, if known.
    var accessExpiresAt: Date?
}

extension Replica {
    /// Every `sync_state` value.
    func settings() async throws -> [SyncStateStore.Key: String] {
        try await read { db in try SyncStateStore.all(db) }
    }

    /// One `sync_state` value.
    func setting(_ key: SyncStateStore.Key) async throws -> String? {
        try await read { db in try SyncStateStore.get(key, db) }
    }

    /// Stores `sync_state` values (`nil` removes) in one transaction.
    func set(_ values: [SyncStateStore.Key: String?]) async throws {
        try await write { db in
            for (key, value) in values { try SyncStateStore.set(key, value, db) }
        }
    }

    /// The stored session, or `nil` when signed out.
    func session() async throws -> StoredSession? {
        let values = try await settings()
        guard let access = values[.accessToken], let refresh = values[.refreshToken] else { return nil }
        return StoredSession(
            accessToken: access, refreshToken: refresh,
            accessExpiresAt: values[.accessExpiresAt].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) })
    }

    /// Stores the tokens of a login or refresh (the rotated refresh token replaces the old one).
    func storeTokens(_ tokens: TokenResponse, now: Date = Date()) async throws {
        let expiresAt = now.addingTimeInterval(TimeInterval(tokens.expiresIn)).timeIntervalSince1970
        try await set([
            .accessToken: tokens.accessToken, .refreshToken: tokens.refreshToken,
            .accessExpiresAt: String(expiresAt), .sessionID: tokens.sessionID,
            .userID: tokens.userID, .tenantID: tokens.tenantID,
        ])
    }

    /// Forgets the tokens (the user and every row stay).
    func clearTokens() async throws {
        try await set([.accessToken: nil, .refreshToken: nil, .accessExpiresAt: nil, .sessionID: nil])
    }

    /// Prepares the replica for another user than the one it holds: drops the replicated rows, the
    /// cursor, the applied mutations and the rejections, and gives the replica a new device id and
    /// sequence counter (so the new user's sequence starts at 1).
    /// - Returns: The new device id.
    /// - Throws: ``SyncClientError`` `replica_belongs_to_another_user` when pending mutations of the
    ///   previous user are queued (nothing changes).
    func resetForAnotherUser() async throws -> String {
        let deviceID = UUID().uuidString.lowercased()
        try await write { db in
            let pending = try QueuedMutation.count(.pending, db)
            guard pending == 0 else {
                throw SyncClientError(
                    .replicaBelongsToAnotherUser,
                    "the replica holds \(pending) unsent mutation(s) of another user; sync them as that user first")
            }
            try QueuedMutation.deleteAll(db)
            try Rejection.deleteAll(db)
            try ServerRow.deleteAll(db)
            try EntityTable.deleteAll(db)
            for key in [SyncStateStore.Key.cursor, .lastSyncAt, .userID, .tenantID, .state] {
                try SyncStateStore.set(key, nil, db)
            }
            try SyncStateStore.set(.deviceID, deviceID, db)
            try SyncStateStore.set(.nextSeq, "1", db)
        }
        return deviceID
    }

    /// A summary for status screens.
    func status(state: SyncState) async throws -> ReplicaStatus {
        try await read { db in
            let values = try SyncStateStore.all(db)
            var rows: [String: Int] = [:]
            for entity in SyncEntity.allCases { rows[entity.rawValue] = try EntityTable.count(entity, db) }
            var lastError: String?
            if case .offline(let error) = state { lastError = error.description }
            return ReplicaStatus(
                state: state.name, lastError: lastError, serverURL: values[.serverURL],
                deviceID: values[.deviceID] ?? "", userID: values[.userID], tenantID: values[.tenantID],
                pendingMutations: try QueuedMutation.count(.pending, db),
                appliedMutations: try QueuedMutation.count(.applied, db),
                rejections: try Rejection.count(db), cursor: values[.cursor], lastSyncAt: values[.lastSyncAt], rows: rows)
        }
    }
}
