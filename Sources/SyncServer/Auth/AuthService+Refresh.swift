import Commands
import Domain
import Foundation
import Logging
import NIOCore
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
    /// - Throws: ``AuthError`` `invalid_refresh_token`, `session_revoked`, `rate_limited` or `unavailable`.
    public func refresh(_ token: String, from address: ClientAddress) async throws -> TokenResponse {
        guard token.utf8.count <= 200 else { throw AuthError(.invalidRefreshToken, "the refresh token is not valid") }
        try await attempts.claim(options.refreshAddressRule, address.value)
        let presented = Self.hash(token)
        let refresh = Self.newRefreshToken()
        let issued = Self.hash(refresh)
        var found = try await sessions.rotate(presented: presented, issued: issued, lifetime: Double(options.refreshTokenSeconds))
        if found == nil, options.refreshRetryGraceSeconds > 0 {
            // The token the last rotation replaced, within the grace measured from that rotation, and
            // for the first time: most likely a retry after a lost answer. The token the rotation
            // issued stays valid (its holder must not be locked out); the new one is valid beside it
            // until either is used.
            found = try await sessions.issueAlternate(presented: presented, issued: issued, grace: Double(options.refreshRetryGraceSeconds))
            if let found {
                logger.notice("refresh retried with the replaced token within the grace period", metadata: ["session.id": "\(found.sessionID)"])
            }
        }
        guard let found else {
            try await refusedRefresh(presented)
        }
        let user = try await commands.load(User.self, id: UserID(rawValue: found.userID)).state
        guard let user, user.status == .active, !user.isDeleted else {
            try await revoke(session: found.sessionID, by: "system", reason: "the account may no longer sign in")
            throw AuthError(.sessionRevoked, "this account may no longer sign in")
        }
        return tokens(user: user, sessionID: found.sessionID.uuidString.lowercased(), deviceID: DeviceID(rawValue: found.deviceID), refresh: refresh)
    }

    /// Why a refresh token matched no live session; a token the session had before revokes it.
    private func refusedRefresh(_ presented: ByteBuffer) async throws(AuthError) -> Never {
        let reused = try await sessions.revokeReusing(presented)
        for sessionID in reused {
            liveSessions.forget(sessionID)
            logger.warning("refresh token reused; session revoked", metadata: ["session.id": "\(sessionID)"])
        }
        if !reused.isEmpty {
            throw AuthError(.sessionRevoked, "this refresh token was already used; the session is revoked, sign in again")
        }
        if try await sessions.wasRevoked(holding: presented) {
            throw AuthError(.sessionRevoked, "the session was revoked; sign in again")
        }
        throw AuthError(.invalidRefreshToken, "the refresh token is unknown or expired; sign in again")
    }
}
