import Foundation
import NIOSSL

/// Settings for ``WebPushProvider``.
public struct WebPushConfiguration: Sendable {
    /// The VAPID signing key.
    public var vapidKey: VAPIDKey
    /// The VAPID `sub` claim: a `mailto:` or `https:` contact URI for the push service operator.
    public var subject: String
    /// How long one push request may take before it counts as a timeout (→ `.retry`).
    public var requestTimeout: Duration
    /// How long each VAPID token is valid (at most 24 hours).
    public var tokenLifetime: TimeInterval
    /// The clock used for `TTL`, VAPID expiry and `Retry-After` dates.
    public var now: @Sendable () -> Date
    /// Trust roots that replace the system's for HTTPS endpoints (`nil`: system roots).
    public var trustRoots: [NIOSSLCertificate]?
    /// Accept `http://` endpoints. Only for local stand-ins and tests; real push services use HTTPS.
    public var allowsPlainHTTPEndpoints: Bool

    /// Creates a configuration from a key already read.
    ///
    /// - Throws: ``PushProviderError`` `invalid_subject` when `subject` is not a `mailto:` or `https:` URI.
    public init(
        vapidKey: VAPIDKey, subject: String, requestTimeout: Duration = .seconds(10), tokenLifetime: TimeInterval = 12 * 60 * 60,
        now: @escaping @Sendable () -> Date = { Date() }, trustRoots: [NIOSSLCertificate]? = nil, allowsPlainHTTPEndpoints: Bool = false
    ) throws(PushProviderError) {
        let lowered = subject.lowercased()
        guard (lowered.hasPrefix("mailto:") && subject.count > 7) || (lowered.hasPrefix("https://") && subject.count > 8) else {
            throw PushProviderError(.invalidSubject, "VAPID subject must be a mailto: or https: URI, got \"\(subject)\"")
        }
        self.vapidKey = vapidKey
        self.subject = subject
        self.requestTimeout = requestTimeout
        self.tokenLifetime = tokenLifetime
        self.now = now
        self.trustRoots = trustRoots
        self.allowsPlainHTTPEndpoints = allowsPlainHTTPEndpoints
    }

    /// Creates a configuration from environment-style text: `vapidPrivateKey` is a PEM or base64url of
    /// the raw 32-byte scalar, `subject` a `mailto:` or `https:` URI.
    ///
    /// - Throws: ``PushProviderError`` `invalid_private_key` or `invalid_subject`.
    public init(
        vapidPrivateKey: String, subject: String, requestTimeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }, trustRoots: [NIOSSLCertificate]? = nil, allowsPlainHTTPEndpoints: Bool = false
    ) throws(PushProviderError) {
        try self.init(
            vapidKey: VAPIDKey(string: vapidPrivateKey), subject: subject, requestTimeout: requestTimeout,
            now: now, trustRoots: trustRoots, allowsPlainHTTPEndpoints: allowsPlainHTTPEndpoints
        )
    }
}
