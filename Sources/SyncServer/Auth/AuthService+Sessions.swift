import Commands
import Domain
import Foundation
import Logging

extension AuthService {
    /// Ends the caller's session.
    /// - Throws: ``AuthError`` `unavailable`.
    public func logout(_ identity: Identity) async throws {
        guard let sessionID = UUID(uuidString: identity.sessionID) else { return }
        try await revoke(session: sessionID, by: identity.userID.description, reason: "signed out")
    }

    /// Revokes a session of the caller, or (for a tenant administrator) of any user of the tenant.
    /// - Throws: ``AuthError`` `invalid`, `not_found`, `forbidden` or `unavailable`.
    public func revoke(sessionID: String, by identity: Identity) async throws {
        guard let id = UUID(uuidString: sessionID) else { throw AuthError(.invalid, "session id must be a UUID") }
        guard let (userID, tenantID) = try await sessions.owner(of: id), tenantID == identity.tenantID.rawValue else {
            throw AuthError(.notFound, "no session \(sessionID)")
        }
        guard userID == identity.userID.rawValue || identity.principal.isAdmin(in: identity.tenantID) else {
            throw AuthError(.forbidden, "only the session's user or a tenant administrator may revoke it")
        }
        try await revoke(session: id, by: identity.userID.description, reason: "revoked")
    }

    /// The sessions of `userID` (the caller's own, or any user's for a tenant administrator).
    /// - Throws: ``AuthError`` `forbidden` or `unavailable`.
    public func sessions(of userID: UserID, by identity: Identity) async throws -> [SessionInfo] {
        guard userID == identity.userID || identity.principal.isAdmin(in: identity.tenantID) else {
            throw AuthError(.forbidden, "only the user or a tenant administrator may list these sessions")
        }
        return try await sessions.sessions(of: userID, in: identity.tenantID, current: identity.sessionID)
    }

    /// The identity of a bearer token: a valid signature, not expired, and a live session.
    /// - Throws: ``AuthError`` `unauthorized`, `token_expired`, `session_revoked` or `unavailable`.
    public func authenticate(bearer token: String) async throws -> Identity {
        let now = commands.now()
        let claims: AccessClaims
        if let known = verifiedTokens.claims(of: token, now: now) {
            claims = known
        } else {
            claims = try signer.verify(token, now: now)
            verifiedTokens.remember(token, claims: claims, now: now)
        }
        guard let userID = UserID(claims.subject), let tenantID = TenantID(claims.tenant),
            let deviceID = DeviceID(claims.device), let sessionID = UUID(uuidString: claims.session)
        else {
            throw AuthError(.unauthorized, "the access token's claims are malformed")
        }
        if !liveSessions.isLive(sessionID) {
            guard try await sessions.isLive(sessionID) else { throw AuthError(.sessionRevoked, "the session was revoked; sign in again") }
            liveSessions.remember(sessionID)
        }
        return Identity(
            userID: userID, tenantID: tenantID, sessionID: claims.session, deviceID: deviceID,
            roles: Set(claims.roles.compactMap(Role.init(rawValue:)))
        )
    }

    /// Revokes `session` (no check of who asks).
    func revoke(session: UUID, by actor: String, reason: String) async throws(AuthError) {
        liveSessions.forget(session)
        defer { liveSessions.forget(session) }
        try await sessions.revoke(session, by: actor, reason: reason)
        logger.info("session revoked", metadata: ["session.id": "\(session)", "by": "\(actor)", "reason": "\(reason)"])
    }
}
