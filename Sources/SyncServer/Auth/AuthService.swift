import Commands
import Crypto
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import SyncProtocol

/// Sign-up, sign-in, token refresh, sign-out and session revocation.
///
/// Users and tenants are found through the command service's uniqueness claims and their event
/// streams (never through an eventually consistent read table). Refresh tokens are random, stored
/// only as SHA-256 hashes, and rotate on every use; presenting a rotated-out token again revokes
/// the session (it was stolen or replayed).
public struct AuthService: Sendable {
    /// The command service (registers users, loads streams).
    public let commands: CommandService
    /// Signs and verifies access tokens.
    public let signer: TokenSigner
    /// Lifetimes and limits.
    public let options: AuthOptions
    private let dummyHash: String
    private let liveSessions: SessionCache
    /// The attempt counters of sign-in, registration and refresh limits.
    let attempts: AttemptLimiter
    private let metrics: AuthMetrics

    /// Creates the service.
    /// - Parameters:
    ///   - commands: The command service.
    ///   - signer: Signs and verifies access tokens.
    ///   - options: Lifetimes and limits.
    ///   - metrics: Where password checks and refusals by limits are counted.
    public init(commands: CommandService, signer: TokenSigner, options: AuthOptions = AuthOptions(), metrics: AuthMetrics = AuthMetrics()) {
        self.commands = commands
        self.signer = signer
        self.options = options
        self.metrics = metrics
        self.attempts = AttemptLimiter(client: commands.store.client, logger: commands.store.logger, metrics: metrics)
        self.liveSessions = SessionCache(ttl: .milliseconds(Int64(options.sessionCheckCacheMilliseconds)))
        // Compared against when the user is unknown, so that both answers take as long.
        self.dummyHash = (try? PasswordHashing.hash("tidemark-dummy-password", cost: commands.passwordCost)) ?? ""
    }

    var client: PostgresClient { commands.store.client }
    var logger: Logger { commands.store.logger }

    /// Registers a member into the tenant whose code is given.
    ///
    /// Registrations are limited per client address and per tenant (``AuthOptions``): every
    /// attempt counts, whether it succeeds or not.
    /// - Throws: ``AuthError`` `rate_limited`, ``CommandError`` (`not_found`, `invalid`, `already_exists`, …).
    public func register(_ request: RegisterRequest, from address: ClientAddress) async throws -> (userID: UserID, tenantID: TenantID) {
        try await attempts.claim(options.registrationAddressRule, address.value)
        guard let tenantID = try await tenant(code: request.tenantCode) else {
            throw CommandError(code: "not_found", message: "no tenant has the code '\(request.tenantCode.prefix(64))'")
        }
        try await attempts.claim(options.registrationTenantRule, tenantID.description)
        let userID = UserID()
        try await commands.registerUser(
            userID, tenantID: tenantID, username: request.username, email: request.email, phone: request.phone,
            password: request.password, envelope: CommandEnvelope(principal: .anonymous, correlationID: "register")
        )
        logger.info("user registered", metadata: ["tenant.id": "\(tenantID)", "user.id": "\(userID)"])
        return (userID, tenantID)
    }

    /// Checks the credentials and opens a session for the device (replacing the live one of the
    /// same user on that device; other users' sessions on the same device id are left alone).
    ///
    /// Each attempt is claimed before the password is checked (see ``SignInThrottle``), so
    /// concurrent attempts cannot get more password checks than the limits allow.
    /// - Parameters:
    ///   - request: The credentials and the device.
    ///   - address: Where the request came from.
    /// - Throws: ``AuthError`` `invalid_credentials`, `rate_limited`, `account_disabled`, `invalid`.
    public func login(_ request: LoginRequest, from address: ClientAddress) async throws -> TokenResponse {
        guard let deviceID = DeviceID(request.deviceID) else {
            throw AuthError(.invalid, "device_id must be a UUID")
        }
        if let name = request.deviceName, name.count > 100 {
            throw AuthError(.invalid, "device_name may have at most 100 characters")
        }
        let subject = "\(request.tenantCode.lowercased().prefix(64))/\(request.username.lowercased().prefix(64))"
        var throttle = SignInThrottle(attempts: attempts, options: options, name: subject, address: address)
        try await throttle.claimForAddress()
        var user: UserState?
        if let tenantID = try await tenant(code: request.tenantCode),
           let userID = try await self.user(named: request.username, in: tenantID) {
            user = try await commands.load(User.self, id: userID).state
        }
        var knownDevice = false
        if let user { knownDevice = try await hasSignedIn(user.id, on: deviceID) }
        try await throttle.claimForName(unlessKnownDevice: knownDevice)
        let hash = user?.passwordHash ?? dummyHash
        let matches = (try? PasswordHashing.verify(request.password, against: hash)) ?? false
        metrics.passwordChecked(matched: matches)
        guard let user, matches else {
            logger.notice("sign-in refused", metadata: ["auth.subject": "\(subject)", "auth.client": "\(address)"])
            throw AuthError(.invalidCredentials, "the tenant code, username or password is wrong")
        }
        try await throttle.passwordMatched()
        guard user.status == .active, !user.isDeleted else {
            throw AuthError(.accountDisabled, "this account may not sign in (\(user.isDeleted ? "deleted" : user.status.rawValue))")
        }
        let sessionID = UUID().uuidString.lowercased()
        let refresh = Self.newRefreshToken()
        try await client.withTransaction(logger: logger) { connection in
            let replaced = try await connection.query(
                """
                UPDATE auth_sessions SET revoked_at = now(), revoked_by = 'login', revoke_reason = 'replaced by a new sign-in on the device'
                WHERE tenant_id = \(user.tenantID.rawValue) AND user_id = \(user.id.rawValue) AND device_id = \(deviceID.rawValue)
                  AND revoked_at IS NULL
                RETURNING session_id
                """,
                logger: logger
            )
            for try await old in replaced.decode(UUID.self) { liveSessions.forget(old) }
            try await connection.query(
                """
                INSERT INTO auth_sessions (session_id, user_id, tenant_id, device_id, device_name, refresh_hash, refresh_expires_at)
                VALUES (\(UUID(uuidString: sessionID)), \(user.id.rawValue), \(user.tenantID.rawValue), \(deviceID.rawValue),
                        \(request.deviceName), \(Self.hash(refresh)), now() + make_interval(secs => \(Double(options.refreshTokenSeconds))))
                """,
                logger: logger
            )
        }
        logger.info("signed in", metadata: ["user.id": "\(user.id)", "session.id": "\(sessionID)", "device.id": "\(deviceID)"])
        return tokens(user: user, sessionID: sessionID, deviceID: deviceID, refresh: refresh)
    }

    /// Ends the caller's session.
    public func logout(_ identity: Identity) async throws {
        guard let sessionID = UUID(uuidString: identity.sessionID) else { return }
        try await revoke(session: sessionID, by: identity.userID.description, reason: "signed out")
    }

    /// Revokes a session of the caller, or (for a tenant administrator) of any user of the tenant.
    public func revoke(sessionID: String, by identity: Identity) async throws {
        guard let id = UUID(uuidString: sessionID) else { throw AuthError(.invalid, "session id must be a UUID") }
        let rows = try await client.query("SELECT user_id, tenant_id FROM auth_sessions WHERE session_id = \(id)", logger: logger)
        var owner: (UUID, UUID)?
        for try await row in rows.decode((UUID, UUID).self) { owner = row }
        guard let (userID, tenantID) = owner, tenantID == identity.tenantID.rawValue else {
            throw AuthError(.notFound, "no session \(sessionID)")
        }
        guard userID == identity.userID.rawValue || identity.principal.isAdmin(in: identity.tenantID) else {
            throw AuthError(.forbidden, "only the session's user or a tenant administrator may revoke it")
        }
        try await revoke(session: id, by: identity.userID.description, reason: "revoked")
    }

    /// The sessions of `userID` (the caller's own, or any user's for a tenant administrator).
    public func sessions(of userID: UserID, by identity: Identity) async throws -> [SessionInfo] {
        guard userID == identity.userID || identity.principal.isAdmin(in: identity.tenantID) else {
            throw AuthError(.forbidden, "only the user or a tenant administrator may list these sessions")
        }
        let rows = try await client.query(
            """
            SELECT session_id, device_id, device_name, created_at, last_used_at, revoked_at, revoke_reason
            FROM auth_sessions WHERE user_id = \(userID.rawValue) AND tenant_id = \(identity.tenantID.rawValue)
            ORDER BY created_at DESC LIMIT 200
            """,
            logger: logger
        )
        var result: [SessionInfo] = []
        for try await (id, device, name, created, used, revoked, reason) in rows.decode((UUID, UUID, String?, Date, Date, Date?, String?).self) {
            result.append(SessionInfo(
                sessionID: id.uuidString.lowercased(), deviceID: device.uuidString.lowercased(), deviceName: name,
                createdAt: created, lastUsedAt: used, revokedAt: revoked, revokeReason: reason, current: id.uuidString.lowercased() == identity.sessionID
            ))
        }
        return result
    }

    /// The identity of a bearer token: a valid signature, not expired, and a live session.
    public func authenticate(bearer token: String) async throws -> Identity {
        let claims = try signer.verify(token, now: commands.now())
        guard let userID = UserID(claims.subject), let tenantID = TenantID(claims.tenant),
              let deviceID = DeviceID(claims.device), let sessionID = UUID(uuidString: claims.session)
        else {
            throw AuthError(.unauthorized, "the access token's claims are malformed")
        }
        if !liveSessions.isLive(sessionID) {
            let rows = try await client.query("SELECT revoked_at FROM auth_sessions WHERE session_id = \(sessionID)", logger: logger)
            var live = false
            for try await revokedAt in rows.decode(Date?.self) { live = revokedAt == nil }
            guard live else { throw AuthError(.sessionRevoked, "the session was revoked; sign in again") }
            liveSessions.remember(sessionID)
        }
        return Identity(
            userID: userID, tenantID: tenantID, sessionID: claims.session, deviceID: deviceID,
            roles: Set(claims.roles.compactMap(Role.init(rawValue:)))
        )
    }

    // MARK: - Helpers

    /// Revokes `session` (no check of who asks).
    func revoke(session: UUID, by actor: String, reason: String) async throws {
        liveSessions.forget(session)
        defer { liveSessions.forget(session) }
        try await client.query(
            "UPDATE auth_sessions SET revoked_at = now(), revoked_by = \(actor), revoke_reason = \(reason) WHERE session_id = \(session) AND revoked_at IS NULL",
            logger: logger
        )
        logger.info("session revoked", metadata: ["session.id": "\(session)", "by": "\(actor)", "reason": "\(reason)"])
    }

    /// The token response of a session.
    func tokens(user: UserState, sessionID: String, deviceID: DeviceID, refresh: String) -> TokenResponse {
        let now = Int64(commands.now().timeIntervalSince1970)
        let claims = AccessClaims(
            subject: user.id.description, tenant: user.tenantID.description, session: sessionID, device: deviceID.description,
            roles: user.roles.map(\.rawValue).sorted(), issuedAt: now, expiresAt: now + Int64(options.accessTokenSeconds)
        )
        return TokenResponse(
            accessToken: signer.sign(claims), expiresIn: options.accessTokenSeconds, refreshToken: refresh,
            sessionID: sessionID, userID: user.id.description, tenantID: user.tenantID.description, deviceID: deviceID.description
        )
    }

    /// Forgets that `session` was live (it was revoked).
    func forgetLiveSession(_ session: UUID) {
        liveSessions.forget(session)
    }

    /// Whether `user` has ever had a session on `device` (a device the user signed in on before).
    private func hasSignedIn(_ user: UserID, on device: DeviceID) async throws -> Bool {
        let rows = try await client.query(
            "SELECT 1 FROM auth_sessions WHERE user_id = \(user.rawValue) AND device_id = \(device.rawValue) LIMIT 1", logger: logger)
        for try await _ in rows.decode(Int32.self) { return true }
        return false
    }

    /// The tenant whose code is `code`, through its uniqueness claim.
    func tenant(code: String) async throws -> TenantID? {
        try await claimedID(scope: "tenant_code", value: code.lowercased(), category: Tenant.category).flatMap(TenantID.init)
    }

    /// The user named `username` in `tenant`, through its uniqueness claim.
    func user(named username: String, in tenant: TenantID) async throws -> UserID? {
        try await claimedID(scope: "username:\(tenant)", value: username.lowercased(), category: User.category).flatMap(UserID.init)
    }

    private func claimedID(scope: String, value: String, category: String) async throws -> String? {
        guard value.utf8.count <= 200 else { return nil }
        let rows = try await client.query("SELECT stream FROM unique_claims WHERE scope = \(scope) AND value = \(value)", logger: logger)
        for try await stream in rows.decode(String.self) where stream.hasPrefix(category + "-") {
            return String(stream.dropFirst(category.count + 1))
        }
        return nil
    }

    static func newRefreshToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "rt_" + TokenSigner.base64URL(Data(bytes))
    }

    static func hash(_ token: String) -> ByteBuffer {
        ByteBuffer(bytes: SHA256.hash(data: Data(token.utf8)))
    }
}
