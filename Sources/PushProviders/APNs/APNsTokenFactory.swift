import Crypto
import Foundation
import Synchronization

/// Issues the ES256 provider token (JWT) that authenticates requests to APNs.
///
/// Apple wants one token reused across requests, replaced no more often than every 20 minutes
/// (else `TooManyProviderTokenUpdates`) and at least every 60 minutes (else
/// `ExpiredProviderToken`). The factory keeps one token and replaces it when it is ``refreshAge``
/// old by the injected clock, when APNs says it expired, or, after APNs refused it as an update
/// that came too soon, once it is ``minimumRefreshInterval`` old.
///
/// With a ``ProviderTokenStore`` (``useStore(_:channel:)``) the token is shared: an instance that
/// needs a token first adopts the stored one while it is younger than ``refreshAge``, and stores
/// every token it signs, so a restarted or second instance does not sign one of its own. A store
/// that cannot be read or written is ignored: the factory then works as it would alone.
public actor APNsTokenFactory {
    /// Apple's shortest interval between two token updates for one key.
    public static let minimumRefreshInterval: Duration = .seconds(20 * 60)

    /// The key id (`kid` header).
    public nonisolated let keyID: String
    /// The team id (`iss` claim).
    public nonisolated let teamID: String
    /// The age at which the token is replaced (between Apple's 20 and 60 minutes).
    public nonisolated let refreshAge: Duration
    /// Names the signing key in a store: team id, key id and the first 16 hex digits of the
    /// SHA-256 of the public key, so a token of another key is never adopted.
    public nonisolated let storeKey: String
    private let privateKey: P256.Signing.PrivateKey
    private let now: @Sendable () -> Date
    private let store = Mutex<(store: any ProviderTokenStore, channel: String)?>(nil)
    private var current: StoredProviderToken?
    /// The token APNs refused as an update that came too soon, if it is still ``current``.
    private var refusedAsTooSoon: String?
    /// Whether a caller is looking in the store after such a refusal (the others just wait).
    private var lookingForAnotherToken = false
    private var renewal: Task<StoredProviderToken, any Error>?

    /// Creates a factory; no token is signed until the first ``token()`` call.
    public init(
        keyID: String, teamID: String, privateKey: P256.Signing.PrivateKey,
        refreshAge: Duration = .seconds(50 * 60), now: @escaping @Sendable () -> Date
    ) {
        self.keyID = keyID
        self.teamID = teamID
        self.privateKey = privateKey
        self.refreshAge = refreshAge
        self.now = now
        let digest = SHA256.hash(data: privateKey.publicKey.x963Representation).map { String(format: "%02x", $0) }.joined()
        self.storeKey = "\(teamID).\(keyID).\(digest.prefix(16))"
    }

    /// Shares the token through `store` under `channel` from now on.
    public nonisolated func useStore(_ store: any ProviderTokenStore, channel: String) {
        self.store.withLock { $0 = (store, channel) }
    }

    /// The token to send now: the current one while it is due for no replacement, else the
    /// stored one when it is younger than ``refreshAge``, else a new one.
    ///
    /// - Throws: When the key cannot sign.
    public func token() async throws -> String {
        if let current, !isDue(current) {
            return current.token
        }
        return try await renew(replacing: nil).token
    }

    /// Replaces `rejected` after APNs answered `ExpiredProviderToken`, whatever its age. When it was
    /// replaced already (by another caller, or in the store by another instance), returns the
    /// replacement without signing. A new token's `iat` is always later than the rejected one's.
    ///
    /// - Throws: When the key cannot sign.
    public func refresh(replacing rejected: String) async throws -> String {
        if let current, current.token != rejected, !isDue(current) {
            return current.token
        }
        return try await renew(replacing: rejected).token
    }

    /// Notes that APNs refused `rejected` with `TooManyProviderTokenUpdates` and says what to do:
    /// send again at once with another token (one the store holds that another instance signed
    /// earlier), or wait until `rejected` is ``minimumRefreshInterval`` old and may be replaced.
    /// No token is signed here.
    public func refusedAsTooSoon(_ rejected: String) async -> APNsTokenRefusal {
        guard let current else { return .wait(.zero) }
        guard current.token == rejected else {
            return refusedAsTooSoon == current.token ? .wait(waitBeforeReplacing(current)) : .sendAgain(with: current.token)
        }
        refusedAsTooSoon = rejected
        guard !lookingForAnotherToken else { return .wait(waitBeforeReplacing(current)) }
        lookingForAnotherToken = true
        let stored = await loadStored()
        lookingForAnotherToken = false
        if let stored, stored.token != rejected, isFresh(stored), self.current?.token == rejected {
            adopt(stored)
            return .sendAgain(with: stored.token)
        }
        return .wait(waitBeforeReplacing(self.current ?? current))
    }

    /// The `iat` of the current token, if the factory has one.
    public var issuedAt: Int? { current?.issuedAt }

    private var nowSeconds: Int { Int(now().timeIntervalSince1970) }

    private func age(_ token: StoredProviderToken) -> Duration {
        .seconds(nowSeconds - token.issuedAt)
    }

    /// Whether `token` is to be replaced now.
    private func isDue(_ token: StoredProviderToken) -> Bool {
        let age = age(token)
        return age >= refreshAge || (refusedAsTooSoon == token.token && age >= Self.minimumRefreshInterval)
    }

    /// Whether a stored token of another instance may be adopted.
    private func isFresh(_ token: StoredProviderToken) -> Bool {
        let age = age(token)
        return token.key == storeKey && age < refreshAge && age > .seconds(-60)
    }

    private func waitBeforeReplacing(_ token: StoredProviderToken) -> Duration {
        max(.zero, Self.minimumRefreshInterval - age(token))
    }

    private func adopt(_ token: StoredProviderToken) {
        current = token
        refusedAsTooSoon = nil
    }

    /// One renewal at a time; concurrent callers share its result.
    private func renew(replacing rejected: String?) async throws -> StoredProviderToken {
        if let renewal {
            return try await renewal.value
        }
        let task = Task { try await self.renewNow(replacing: rejected) }
        renewal = task
        defer { renewal = nil }
        return try await task.value
    }

    private func renewNow(replacing rejected: String?) async throws -> StoredProviderToken {
        let stored = await loadStored()
        if let stored, stored.token != rejected, stored.token != current?.token, isFresh(stored) {
            adopt(stored)
            return stored
        }
        let newest = max(current?.issuedAt ?? 0, stored.map { $0.key == storeKey ? $0.issuedAt : 0 } ?? 0)
        let issuedAt = max(nowSeconds, newest + 1)
        let signed = StoredProviderToken(token: try sign(issuedAt: issuedAt), key: storeKey, issuedAt: issuedAt)
        if let slot = store.withLock({ $0 }),
            let kept = try? await slot.store.replaceProviderToken(stored, with: signed, channel: slot.channel),
            kept.token != signed.token, kept.token != rejected, isFresh(kept)
        {
            // Another instance signed at the same moment and stored its token first: use that one.
            adopt(kept)
            return kept
        }
        adopt(signed)
        return signed
    }

    private func loadStored() async -> StoredProviderToken? {
        guard let slot = store.withLock({ $0 }) else { return nil }
        return try? await slot.store.providerToken(channel: slot.channel)
    }

    private func sign(issuedAt: Int) throws -> String {
        let key = privateKey
        return try CompactJWT.make(
            header: ["alg": "ES256", "kid": keyID],
            claims: ["iss": teamID, "iat": issuedAt]
        ) { input in
            try Data(key.signature(for: input).rawRepresentation)
        }
    }
}
