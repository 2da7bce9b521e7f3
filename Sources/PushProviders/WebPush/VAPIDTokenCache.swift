import Foundation

/// Signs VAPID tokens and keeps one per audience (push service origin) until it nears expiry.
///
/// Tokens are valid for `lifetime` (12 hours by default, at most 24) and are replaced once less than
/// `renewalMargin` remains, measured with the injected clock.
public actor VAPIDTokenCache {
    private struct Entry {
        var header: String
        var expiresAt: Date
    }

    private let key: VAPIDKey
    private let subject: String
    private let lifetime: TimeInterval
    private let renewalMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var entries: [String: Entry] = [:]
    private var signedCount = 0

    /// Creates a cache.
    public init(
        key: VAPIDKey, subject: String, lifetime: TimeInterval = 12 * 60 * 60, renewalMargin: TimeInterval = 60 * 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.key = key
        self.subject = subject
        self.lifetime = min(max(lifetime, 60), VAPID.maximumLifetime)
        self.renewalMargin = min(max(renewalMargin, 0), self.lifetime / 2)
        self.now = now
    }

    /// The `Authorization` header value for `audience`, signing a new token when none is cached or
    /// the cached one expires within the renewal margin.
    public func authorization(for audience: String) throws -> String {
        let current = now()
        if let entry = entries[audience], entry.expiresAt.timeIntervalSince(current) > renewalMargin {
            return entry.header
        }
        let expiresAt = current.addingTimeInterval(lifetime)
        let token = try key.makeToken(audience: audience, subject: subject, expiresAt: expiresAt)
        let header = VAPID.authorizationHeader(token: token, publicKey: key.publicKeyBase64URL)
        entries[audience] = Entry(header: header, expiresAt: expiresAt)
        signedCount += 1
        return header
    }

    /// How many tokens this cache has signed (for tests and metrics).
    public var tokensSigned: Int { signedCount }
}
