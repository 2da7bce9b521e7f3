import Foundation
import PostgresNIO

extension SessionStore {
    /// Rotates the live session whose current (or grace-issued) refresh token is `presented`: the
    /// presented token and its unused sibling retire (the retired list keeps the newest 16),
    /// `issued` becomes the current one.
    /// - Returns: The session, or `nil` when no live session holds the token.
    func rotate(presented: ByteBuffer, issued: ByteBuffer, lifetime: Double) async throws(AuthError) -> Holder? {
        do {
            let rows = try await client.query(
                """
                UPDATE auth_sessions SET
                    retired_hashes = (array_remove(ARRAY[\(presented), CASE WHEN refresh_hash = \(presented) THEN alternate_hash ELSE refresh_hash END], NULL)
                                      || retired_hashes)[1:16],
                    previous_hash = \(presented), refresh_hash = \(issued), alternate_hash = NULL, rotated_at = now(),
                    rotations = rotations + 1, last_used_at = now(), refresh_expires_at = now() + make_interval(secs => \(lifetime))
                WHERE (refresh_hash = \(presented) OR alternate_hash = \(presented)) AND revoked_at IS NULL AND refresh_expires_at > now()
                RETURNING session_id, user_id, device_id
                """,
                logger: logger
            )
            return try await Self.holder(rows)
        } catch {
            throw .unavailable(error, while: "rotating a refresh token")
        }
    }

    /// Issues `issued` beside the current token when `presented` is the token the last rotation
    /// replaced, within `grace` seconds of that rotation, and for the first time. Neither the
    /// rotation time nor the grace moves.
    /// - Returns: The session, or `nil` when the token does not qualify.
    func issueAlternate(presented: ByteBuffer, issued: ByteBuffer, grace: Double) async throws(AuthError) -> Holder? {
        do {
            let rows = try await client.query(
                """
                UPDATE auth_sessions SET alternate_hash = \(issued), rotations = rotations + 1, last_used_at = now()
                WHERE previous_hash = \(presented) AND alternate_hash IS NULL AND revoked_at IS NULL AND refresh_expires_at > now()
                  AND rotated_at > now() - make_interval(secs => \(grace))
                RETURNING session_id, user_id, device_id
                """,
                logger: logger
            )
            return try await Self.holder(rows)
        } catch {
            throw .unavailable(error, while: "rotating a refresh token")
        }
    }

    /// Revokes every live session that had `presented` before (a rotated-out token used again).
    /// - Returns: The sessions revoked.
    func revokeReusing(_ presented: ByteBuffer) async throws(AuthError) -> [UUID] {
        do {
            let rows = try await client.query(
                """
                UPDATE auth_sessions SET revoked_at = now(), revoked_by = 'system', revoke_reason = 'a rotated refresh token was used again'
                WHERE (previous_hash = \(presented) OR retired_hashes @> ARRAY[\(presented)]) AND revoked_at IS NULL
                RETURNING session_id
                """,
                logger: logger
            )
            var revoked: [UUID] = []
            for try await sessionID in rows.decode(UUID.self) { revoked.append(sessionID) }
            return revoked
        } catch {
            throw .unavailable(error, while: "revoking a session")
        }
    }

    /// Whether a revoked session ever held `presented`.
    func wasRevoked(holding presented: ByteBuffer) async throws(AuthError) -> Bool {
        do {
            let rows = try await client.query(
                """
                SELECT 1 FROM auth_sessions
                WHERE (refresh_hash = \(presented) OR alternate_hash = \(presented) OR previous_hash = \(presented) OR retired_hashes @> ARRAY[\(presented)])
                  AND revoked_at IS NOT NULL
                LIMIT 1
                """,
                logger: logger
            )
            for try await _ in rows.decode(Int32.self) { return true }
            return false
        } catch {
            throw .unavailable(error, while: "reading a session")
        }
    }

    private static func holder(_ rows: PostgresRowSequence) async throws -> Holder? {
        var found: Holder?
        for try await (session, user, device) in rows.decode((UUID, UUID, UUID).self) {
            found = Holder(sessionID: session, userID: user, deviceID: device)
        }
        return found
    }
}
