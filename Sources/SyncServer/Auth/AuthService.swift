import Commands
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import SyncProtocol

/// Sign-up, sign-in, token refresh, sign-out and session revocation.
///
/// The service orchestrates: users and tenants are found through their uniqueness claims
/// (``AccountDirectory``) and their event streams (never through an eventually consistent read
/// table); sessions live in ``SessionStore``; sign-in attempts are limited by ``SignInThrottle``
/// over ``AttemptLimiter``. Refresh tokens are random, stored only as SHA-256 hashes, and rotate
/// on every use; presenting a rotated-out token again revokes the session (it was stolen or
/// replayed). A database failure anywhere is ``AuthError`` `unavailable` (or ``CommandError``
/// `unavailable` from the command service): `503` with `Retry-After`.
public struct AuthService: Sendable {
    /// The command service (registers users, loads streams).
    public let commands: CommandService
    /// Signs and verifies access tokens.
    public let signer: TokenSigner
    /// Lifetimes and limits.
    public let options: AuthOptions
    private let dummyHash: String
    let liveSessions: SessionCache
    /// Access tokens already verified here, with their claims.
    let verifiedTokens = VerifiedTokenCache()
    /// The attempt counters of sign-in, registration and refresh limits.
    let attempts: AttemptLimiter
    /// The sessions' table.
    let sessions: SessionStore
    /// Tenants and users by their unique names.
    let directory: AccountDirectory
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
        let (client, logger) = (commands.store.client, commands.store.logger)
        self.attempts = AttemptLimiter(client: client, logger: logger, metrics: metrics)
        self.sessions = SessionStore(client: client, logger: logger)
        self.directory = AccountDirectory(client: client, logger: logger)
        self.liveSessions = SessionCache(ttl: .milliseconds(Int64(options.sessionCheckCacheMilliseconds)))
        // Compared against when the user is unknown, so that both answers take as long.
        self.dummyHash = Self.unmatchableHash(cost: commands.passwordCost)
    }

    /// A well-formed `$2b$` hash at `cost` that no password matches in practice (its 31 hash
    /// characters were not computed from any password: a match is a 2⁻¹⁸⁴ chance), made without
    /// running bcrypt, so that building the service hashes nothing on the calling task. Checking a
    /// password against it takes as long as against a real hash of that cost.
    static func unmatchableHash(cost: Int) -> String {
        let digits = cost < 10 ? "0\(cost)" : String(cost)
        return "$2b$\(digits)$" + String(String(repeating: "Tidemark.dummy.", count: 4).prefix(53))
    }

    var logger: Logger { commands.store.logger }

    /// Registers a member into the tenant whose code is given.
    ///
    /// Registrations are limited per client address and per tenant (``AuthOptions``): every
    /// attempt counts, whether it succeeds or not.
    /// - Throws: ``AuthError`` `rate_limited` or `unavailable`, ``CommandError`` (`not_found`,
    ///   `invalid`, `already_exists`, …).
    public func register(_ request: RegisterRequest, from address: ClientAddress) async throws -> (userID: UserID, tenantID: TenantID) {
        try await attempts.claim(options.registrationAddressRule, address.value)
        guard let tenantID = try await directory.tenant(code: request.tenantCode) else {
            throw CommandError(.notFound, "no tenant has the code '\(request.tenantCode.prefix(64))'")
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
    /// - Throws: ``AuthError`` `invalid_credentials`, `rate_limited`, `account_disabled`, `invalid`
    ///   or `unavailable`; ``CommandError`` `unavailable`.
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
        let user = try await account(tenantCode: request.tenantCode, username: request.username)
        var knownDevice = false
        if let user { knownDevice = try await sessions.hasSignedIn(user.id, on: deviceID) }
        try await throttle.claimForName(unlessKnownDevice: knownDevice)
        let hash = user?.passwordHash ?? dummyHash
        let matches: Bool
        do {
            matches = try await commands.passwords.verify(request.password, against: hash)
        } catch .invalid {
            matches = false
        } catch .busy {
            await throttle.passwordNotChecked()
            throw AuthError(.unavailable, "too many sign-ins are under way; try again in a few seconds", retryAfter: 2)
        } catch .cancelled {
            await throttle.passwordNotChecked()
            throw CancellationError()
        } catch {
            await throttle.passwordNotChecked()
            throw AuthError(.unavailable, "the server is stopping; sign in again in a moment", retryAfter: 1)
        }
        metrics.passwordChecked(matched: matches)
        guard let user, matches else {
            logger.notice("sign-in refused", metadata: ["auth.subject": "\(subject)", "auth.client": "\(address)"])
            throw AuthError(.invalidCredentials, "the tenant code, username or password is wrong")
        }
        try await throttle.passwordMatched()
        guard user.status == .active, !user.isDeleted else {
            throw AuthError(.accountDisabled, "this account may not sign in (\(user.isDeleted ? "deleted" : user.status.rawValue))")
        }
        let sessionID = UUID()
        let refresh = Self.newRefreshToken()
        let replaced = try await sessions.open(
            SessionStore.NewSession(
                sessionID: sessionID, userID: user.id, tenantID: user.tenantID, deviceID: deviceID, deviceName: request.deviceName,
                refreshHash: Self.hash(refresh), refreshLifetime: Double(options.refreshTokenSeconds)
            ))
        for old in replaced { liveSessions.forget(old) }
        let session = sessionID.uuidString.lowercased()
        logger.info("signed in", metadata: ["user.id": "\(user.id)", "session.id": "\(session)", "device.id": "\(deviceID)"])
        return tokens(user: user, sessionID: session, deviceID: deviceID, refresh: refresh)
    }

    /// The user named `username` in the tenant whose code is `tenantCode`, if both exist.
    private func account(tenantCode: String, username: String) async throws -> UserState? {
        guard let tenantID = try await directory.tenant(code: tenantCode),
            let userID = try await directory.user(named: username, in: tenantID)
        else { return nil }
        return try await commands.load(User.self, id: userID).state
    }
}
