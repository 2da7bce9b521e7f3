import Foundation
import Logging
import SyncProtocol

extension SyncClient {
    /// Creates an account in a tenant (`POST /v1/auth/register`). It does not sign in.
    /// - Parameters:
    ///   - tenantCode: The tenant's code.
    ///   - username: 3-32 letters, digits, `.`, `_`, `-`.
    ///   - email: An e-mail address.
    ///   - password: 8-200 characters.
    ///   - phone: An optional phone number.
    /// - Returns: The new user's and tenant's ids.
    /// - Throws: ``SyncClientError`` with the server's code (for example `already_exists`,
    ///   `validation_failed`), or `network`.
    public func register(
        tenantCode: String, username: String, email: String, password: String, phone: String? = nil
    ) async throws -> Registration {
        let request = RegisterRequest(tenantCode: tenantCode, username: username, email: email, password: password, phone: phone)
        return try await api().register(request)
    }

    /// Signs in this replica's device (`POST /v1/auth/login`) and stores the session. Ends
    /// `reauthRequired`: pending mutations are sent by the next sync.
    ///
    /// When another user than the replica's last one signs in, the replica is emptied for them (new
    /// device id and sequence) — unless it still holds unsent mutations of the previous user.
    /// - Throws: ``SyncClientError`` `invalid_credentials`, `rate_limited` (see `retryAfter`),
    ///   `replica_belongs_to_another_user`, `network`, …
    public func login(tenantCode: String, username: String, password: String, deviceName: String? = nil) async throws {
        let api = try api()
        var request = LoginRequest(
            tenantCode: tenantCode, username: username, password: password,
            deviceID: try await replica.setting(.deviceID) ?? "", deviceName: deviceName)
        let first = request
        var tokens = try await retrying { try await api.login(first) }
        if let previous = try await replica.setting(.userID), previous != tokens.userID {
            do {
                request.deviceID = try await replica.resetForAnotherUser()
            } catch {
                try? await api.logout(token: tokens.accessToken, refreshToken: tokens.refreshToken)
                throw error
            }
            logger.notice("replica reset for another user", metadata: ["sync.user_id": .string(tokens.userID)])
            try? await api.logout(token: tokens.accessToken, refreshToken: tokens.refreshToken)
            let second = request
            tokens = try await retrying { try await api.login(second) }
        }
        try await replica.storeTokens(tokens)
        session = try await replica.session()
        await setState(.idle)
    }

    /// Signs out (`POST /v1/auth/logout`) and forgets the tokens. Rows and pending mutations stay
    /// (the same user's next login sends them). A server that cannot be reached does not stop the
    /// local sign-out; the failure is logged.
    /// - Throws: ``SyncClientError`` `database` when the tokens cannot be removed.
    public func logout() async throws {
        if let session, let api = try? api() {
            do {
                try await api.logout(token: session.accessToken, refreshToken: session.refreshToken)
            } catch {
                logger.warning("server logout failed", metadata: ["sync.error": .string(String(describing: error))])
            }
        }
        inFlightSync?.cancel()
        try await replica.clearTokens()
        session = nil
        await setState(.signedOut)
    }

    /// A current access token, refreshed first when it expires within 30 seconds.
    func accessToken() async throws -> String {
        guard let session else {
            throw state == .reauthRequired
                ? SyncClientError(.reauthRequired, "the session ended; sign in again")
                : SyncClientError(.notSignedIn, "the replica has no session; call login first")
        }
        if let expiresAt = session.accessExpiresAt, expiresAt.timeIntervalSinceNow < 30 {
            return try await refreshedAccessToken(replacing: session.accessToken)
        }
        return session.accessToken
    }

    /// A new access token from the refresh endpoint. Concurrent callers share one refresh (the
    /// refresh token is single use); a caller whose token was already replaced gets the new one.
    func refreshedAccessToken(replacing old: String) async throws -> String {
        if let inFlightRefresh { return try await inFlightRefresh.value }
        guard let session else { throw SyncClientError(.reauthRequired, "the session ended; sign in again") }
        if session.accessToken != old { return session.accessToken }
        let refreshToken = session.refreshToken
        let task = Task { try await self.performRefresh(refreshToken) }
        inFlightRefresh = task
        defer { inFlightRefresh = nil }
        return try await task.value
    }

    /// Calls `POST /v1/auth/refresh` and stores the rotated tokens.
    private func performRefresh(_ refreshToken: String) async throws -> String {
        let api = try api()
        logger.debug("refreshing access token")
        let tokens = try await retrying { try await api.refresh(RefreshRequest(refreshToken: refreshToken)) }
        try await replica.storeTokens(tokens)
        session = try await replica.session()
        return tokens.accessToken
    }

    /// Ends the session after the server refused it: forgets the tokens, keeps rows and mutations.
    func requireReauth(_ error: SyncClientError) async {
        logger.warning("session ended, sign in again", metadata: ["sync.error": .string(error.description)])
        do { try await replica.clearTokens() } catch {
            logger.warning("tokens not removed", metadata: ["sync.error": .string(String(describing: error))])
        }
        session = nil
        await setState(.reauthRequired)
    }

    /// Runs `call`, retrying network failures, timeouts and 5xx answers with the retry policy's
    /// backoff (at most `maxAttempts` attempts). With `waitingOutRateLimits` (pushes and pulls),
    /// `429 rate_limited` is retried too, after the server's `Retry-After` when that is longer than
    /// the backoff and not above the policy's cap. Other errors, and `rate_limited` otherwise, go up at once.
    func retrying<T: Sendable>(waitingOutRateLimits: Bool = false, _ call: @Sendable () async throws -> T) async throws -> T {
        let policy = configuration.retryPolicy
        var attempt = 0
        while true {
            do {
                return try await call()
            } catch let error as SyncClientError
                where error.isTransient && attempt + 1 < policy.maxAttempts
                && (error.code != .rateLimited || (waitingOutRateLimits && (error.retryAfter ?? .zero) <= policy.cap))
            {
                var delay = policy.delay(forAttempt: attempt)
                if error.code == .rateLimited, let wait = error.retryAfter, wait > delay { delay = wait }
                logger.debug(
                    "request failed, retrying",
                    metadata: ["sync.error": .string(error.description), "sync.attempt": .stringConvertible(attempt + 1)])
                try await policy.sleep(delay)
                attempt += 1
            }
        }
    }
}
