import Domain
import Foundation
import Logging
import PostgresNIO

/// The sessions of signed-in devices in PostgreSQL (`auth_sessions`): every statement on that
/// table, with bound parameters.
///
/// Refresh tokens are stored only as SHA-256 hashes (``AuthService/hash(_:)``). Database failures
/// are converted here, at the repository boundary, into ``AuthError`` `unavailable`.
struct SessionStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// A session matched by a refresh token.
    struct Holder: Sendable {
        /// The session.
        var sessionID: UUID
        /// Its user.
        var userID: UUID
        /// Its device.
        var deviceID: UUID
    }

    /// What opening a session needs.
    struct NewSession: Sendable {
        var sessionID: UUID
        var userID: UserID
        var tenantID: TenantID
        var deviceID: DeviceID
        var deviceName: String?
        var refreshHash: ByteBuffer
        /// How long the refresh token lives, in seconds.
        var refreshLifetime: Double
    }

    /// Opens `session`, first revoking the live session of the same user on the same device, in
    /// one transaction.
    /// - Returns: The sessions revoked.
    /// - Throws: ``AuthError`` `unavailable` when the database failed (nothing changed).
    func open(_ session: NewSession) async throws(AuthError) -> [UUID] {
        let logger = logger
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let replaced = try await connection.query(
                    """
                    UPDATE auth_sessions SET revoked_at = now(), revoked_by = 'login', revoke_reason = 'replaced by a new sign-in on the device'
                    WHERE tenant_id = \(session.tenantID.rawValue) AND user_id = \(session.userID.rawValue) AND device_id = \(session.deviceID.rawValue)
                      AND revoked_at IS NULL
                    RETURNING session_id
                    """,
                    logger: logger
                )
                var revoked: [UUID] = []
                for try await old in replaced.decode(UUID.self) { revoked.append(old) }
                try await connection.query(
                    """
                    INSERT INTO auth_sessions (session_id, user_id, tenant_id, device_id, device_name, refresh_hash, refresh_expires_at)
                    VALUES (\(session.sessionID), \(session.userID.rawValue), \(session.tenantID.rawValue), \(session.deviceID.rawValue),
                            \(session.deviceName), \(session.refreshHash), now() + make_interval(secs => \(session.refreshLifetime)))
                    """,
                    logger: logger
                )
                return revoked
            }
        } catch {
            throw .unavailable(error, while: "opening a session")
        }
    }

    /// The user and tenant of `session`, if it exists.
    func owner(of session: UUID) async throws(AuthError) -> (userID: UUID, tenantID: UUID)? {
        do {
            let rows = try await client.query("SELECT user_id, tenant_id FROM auth_sessions WHERE session_id = \(session)", logger: logger)
            var owner: (UUID, UUID)?
            for try await row in rows.decode((UUID, UUID).self) { owner = row }
            return owner
        } catch {
            throw .unavailable(error, while: "reading a session")
        }
    }

    /// The newest 200 sessions of `user` in `tenant`, newest first; `current` marks `session`.
    func sessions(of user: UserID, in tenant: TenantID, current session: String) async throws(AuthError) -> [SessionInfo] {
        do {
            let rows = try await client.query(
                """
                SELECT session_id, device_id, device_name, created_at, last_used_at, revoked_at, revoke_reason
                FROM auth_sessions WHERE user_id = \(user.rawValue) AND tenant_id = \(tenant.rawValue)
                ORDER BY created_at DESC LIMIT 200
                """,
                logger: logger
            )
            var result: [SessionInfo] = []
            for try await (id, device, name, created, used, revoked, reason) in rows.decode((UUID, UUID, String?, Date, Date, Date?, String?).self) {
                result.append(
                    SessionInfo(
                        sessionID: id.uuidString.lowercased(), deviceID: device.uuidString.lowercased(), deviceName: name,
                        createdAt: created, lastUsedAt: used, revokedAt: revoked, revokeReason: reason, current: id.uuidString.lowercased() == session
                    ))
            }
            return result
        } catch {
            throw .unavailable(error, while: "listing sessions")
        }
    }

    /// Whether `session` exists and is not revoked.
    func isLive(_ session: UUID) async throws(AuthError) -> Bool {
        do {
            let rows = try await client.execute(SessionLiveStatement(session: session), logger: logger)
            var live = false
            for try await row in rows { live = try row.decode(Date?.self) == nil }
            return live
        } catch {
            throw .unavailable(error, while: "checking a session")
        }
    }

    /// Revokes `session` unless it is revoked already.
    func revoke(_ session: UUID, by actor: String, reason: String) async throws(AuthError) {
        do {
            try await client.query(
                "UPDATE auth_sessions SET revoked_at = now(), revoked_by = \(actor), revoke_reason = \(reason) WHERE session_id = \(session) AND revoked_at IS NULL",
                logger: logger
            )
        } catch {
            throw .unavailable(error, while: "revoking a session")
        }
    }

    /// Whether `user` has ever had a session on `device` (a device the user signed in on before).
    func hasSignedIn(_ user: UserID, on device: DeviceID) async throws(AuthError) -> Bool {
        do {
            let rows = try await client.query(
                "SELECT 1 FROM auth_sessions WHERE user_id = \(user.rawValue) AND device_id = \(device.rawValue) LIMIT 1", logger: logger)
            for try await _ in rows.decode(Int32.self) { return true }
            return false
        } catch {
            throw .unavailable(error, while: "reading a user's devices")
        }
    }
}
