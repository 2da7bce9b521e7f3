import Commands
import Domain
import Foundation
import PostgresNIO
import SyncProtocol

extension AuthService {
    /// Exchanges a refresh token for new tokens; the old refresh token stops working.
    ///
    /// The rules (docs/protocol.md, "Refresh and rotation"): the session's current token, or the
    /// token a grace retry issued beside it, rotates. The token the last rotation replaced may be
    /// presented once more within ``AuthOptions/refreshRetryGraceSeconds`` of that rotation (a
    /// client retrying after a lost answer): it gets a second new token, valid beside the first
    /// until either is used. Any other token the session ever had (its last 16) revokes the session.
    /// - Parameters:
    ///   - token: The presented refresh token.
    ///   - address: Where the request came from (refreshes are limited per address).
    /// - Throws: ``AuthError`` `invalid_refresh_token`, `session_revoked` or `rate_limited`.
    public func refresh(_ token: String, from address: ClientAddress) async throws -> TokenResponse {
        guard token.utf8.count <= 200 else { throw AuthError(.invalidRefreshToken, "the refresh token is not valid") }
        try await attempts.claim(options.refreshAddressRule, address.value)
        let presented = Self.hash(token)
        let refresh = Self.newRefreshToken()
        let issued = Self.hash(refresh)
        let lifetime = Double(options.refreshTokenSeconds)
        // The presented token and its unused sibling (if a grace retry issued one) retire; the
        // retired list keeps the newest 16.
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
        var found: (UUID, UUID, UUID)?
        for try await row in rows.decode((UUID, UUID, UUID).self) { found = row }
        if found == nil, options.refreshRetryGraceSeconds > 0 {
            // The token the last rotation replaced, within the grace measured from that rotation, and
            // for the first time: most likely a retry after a lost answer. The token the rotation
            // issued stays valid (its holder must not be locked out); the new one is valid beside it
            // until either is used. Neither the rotation time nor the grace moves.
            let retried = try await client.query(
                """
                UPDATE auth_sessions SET alternate_hash = \(issued), rotations = rotations + 1, last_used_at = now()
                WHERE previous_hash = \(presented) AND alternate_hash IS NULL AND revoked_at IS NULL AND refresh_expires_at > now()
                  AND rotated_at > now() - make_interval(secs => \(Double(options.refreshRetryGraceSeconds)))
                RETURNING session_id, user_id, device_id
                """,
                logger: logger
            )
            for try await row in retried.decode((UUID, UUID, UUID).self) { found = row }
            if let (sessionID, _, _) = found {
                logger.notice("refresh retried with the replaced token within the grace period", metadata: ["session.id": "\(sessionID)"])
            }
        }
        guard let (sessionID, userUUID, deviceUUID) = found else {
            try await refusedRefresh(presented)
        }
        let user = try await commands.load(User.self, id: UserID(rawValue: userUUID)).state
        guard let user, user.status == .active, !user.isDeleted else {
            try await revoke(session: sessionID, by: "system", reason: "the account may no longer sign in")
            throw AuthError(.sessionRevoked, "this account may no longer sign in")
        }
        return tokens(user: user, sessionID: sessionID.uuidString.lowercased(), deviceID: DeviceID(rawValue: deviceUUID), refresh: refresh)
    }

    /// Why a refresh token matched no live session; a token the session had before revokes it.
    private func refusedRefresh(_ presented: ByteBuffer) async throws -> Never {
        let reused = try await client.query(
            """
            UPDATE auth_sessions SET revoked_at = now(), revoked_by = 'system', revoke_reason = 'a rotated refresh token was used again'
            WHERE (previous_hash = \(presented) OR retired_hashes @> ARRAY[\(presented)]) AND revoked_at IS NULL
            RETURNING session_id
            """,
            logger: logger
        )
        var revokedAny = false
        for try await sessionID in reused.decode(UUID.self) {
            forgetLiveSession(sessionID)
            revokedAny = true
            logger.warning("refresh token reused; session revoked", metadata: ["session.id": "\(sessionID)"])
        }
        if revokedAny {
            throw AuthError(.sessionRevoked, "this refresh token was already used; the session is revoked, sign in again")
        }
        let revoked = try await client.query(
            """
            SELECT 1 FROM auth_sessions
            WHERE (refresh_hash = \(presented) OR alternate_hash = \(presented) OR previous_hash = \(presented) OR retired_hashes @> ARRAY[\(presented)])
              AND revoked_at IS NOT NULL
            LIMIT 1
            """,
            logger: logger
        )
        for try await _ in revoked.decode(Int32.self) {
            throw AuthError(.sessionRevoked, "the session was revoked; sign in again")
        }
        throw AuthError(.invalidRefreshToken, "the refresh token is unknown or expired; sign in again")
    }
}
