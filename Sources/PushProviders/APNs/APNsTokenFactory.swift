import Crypto
import Foundation

/// Issues the ES256 provider token (JWT) that authenticates requests to APNs.
///
/// Apple wants one token reused across requests, refreshed no more often than every 20 minutes
/// and at least every 60 minutes. The factory keeps one token and replaces it when it is
/// ``refreshAge`` old by the injected clock, or when APNs says it expired.
public actor APNsTokenFactory {
    /// The key id (`kid` header).
    public nonisolated let keyID: String
    /// The team id (`iss` claim).
    public nonisolated let teamID: String
    /// The age at which the token is replaced (between Apple's 20 and 60 minutes).
    public nonisolated let refreshAge: Duration
    private let privateKey: P256.Signing.PrivateKey
    private let now: @Sendable () -> Date
    private var current: (token: String, issuedAt: Int)?

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
    }

    /// The token to send now: the current one while it is younger than ``refreshAge``, else a new one.
    public func token() throws -> String {
        let nowSeconds = Int(now().timeIntervalSince1970)
        if let current, Duration.seconds(nowSeconds - current.issuedAt) < refreshAge {
            return current.token
        }
        return try sign(issuedAt: nowSeconds)
    }

    /// Replaces `rejected` after APNs answered `ExpiredProviderToken`, whatever its age. When another
    /// caller already replaced it, returns the replacement without signing again. The new token's
    /// `iat` is always later than the rejected one's, so APNs sees a different token.
    public func refresh(replacing rejected: String) throws -> String {
        if let current, current.token != rejected {
            return current.token
        }
        let nowSeconds = Int(now().timeIntervalSince1970)
        return try sign(issuedAt: max(nowSeconds, (current?.issuedAt ?? 0) + 1))
    }

    /// The `iat` of the current token, if one was signed.
    public var issuedAt: Int? { current?.issuedAt }

    private func sign(issuedAt: Int) throws -> String {
        let key = privateKey
        let token = try CompactJWT.make(
            header: ["alg": "ES256", "kid": keyID],
            claims: ["iss": teamID, "iat": issuedAt]
        ) { input in
            try Data(key.signature(for: input).rawRepresentation)
        }
        current = (token, issuedAt)
        return token
    }
}
