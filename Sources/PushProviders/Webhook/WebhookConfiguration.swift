import Foundation
import NIOSSL

/// Settings for ``WebhookProvider``.
public struct WebhookConfiguration: Sendable {
    /// Where every message is posted.
    public var url: URL
    /// The shared secret for `Tidemark-Signature`.
    public var secret: String
    /// How long one request may take before it counts as a timeout (→ `.retry`).
    public var requestTimeout: Duration
    /// The clock used for signature timestamps, `expires_at` checks and `Retry-After` dates.
    public var now: @Sendable () -> Date
    /// Trust roots that replace the system's for HTTPS (`nil`: system roots).
    public var trustRoots: [NIOSSLCertificate]?

    /// Creates a configuration.
    public init(
        url: URL, secret: String, requestTimeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }, trustRoots: [NIOSSLCertificate]? = nil
    ) {
        self.url = url
        self.secret = secret
        self.requestTimeout = requestTimeout
        self.now = now
        self.trustRoots = trustRoots
    }

    /// Creates a configuration from environment-style text; `nil` when `url` is not an absolute http(s) URL
    /// or `secret` is empty.
    public init?(
        urlString: String, secret: String, requestTimeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }, trustRoots: [NIOSSLCertificate]? = nil
    ) {
        guard let url = URL(string: urlString), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil, !secret.isEmpty
        else { return nil }
        self.init(url: url, secret: secret, requestTimeout: requestTimeout, now: now, trustRoots: trustRoots)
    }
}
