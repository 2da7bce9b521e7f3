import Foundation
import NIOSSL

/// Settings for ``FCMProvider``.
public struct FCMConfiguration: Sendable {
    /// The service account whose key signs the OAuth2 assertions; its `token_uri` is where tokens come from.
    public var serviceAccount: FCMServiceAccount
    /// The FCM API base URL (default `https://fcm.googleapis.com`); a stand-in's origin in tests.
    public var endpointBase: URL
    /// How long one HTTP request (token or send) may take before it counts as a timeout (→ `.retry`).
    public var requestTimeout: Duration
    /// The clock used for JWT times, token expiry and `Retry-After` dates.
    public var now: @Sendable () -> Date
    /// Trust roots that replace the system's for HTTPS (`nil`: system roots).
    public var trustRoots: [NIOSSLCertificate]?

    /// Creates a configuration.
    public init(
        serviceAccount: FCMServiceAccount,
        endpointBase: URL = URL(string: "https://fcm.googleapis.com") ?? URL(fileURLWithPath: "/"),
        requestTimeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() },
        trustRoots: [NIOSSLCertificate]? = nil
    ) {
        self.serviceAccount = serviceAccount
        self.endpointBase = endpointBase
        self.requestTimeout = requestTimeout
        self.now = now
        self.trustRoots = trustRoots
    }

    /// Creates a configuration from the service-account key file's contents (as an env var or file holds it).
    ///
    /// - Throws: ``PushProviderError`` when the key file is refused (see ``FCMServiceAccount/init(json:)``).
    public init(
        serviceAccountJSON: String, endpointBase: URL? = nil, requestTimeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }, trustRoots: [NIOSSLCertificate]? = nil
    ) throws(PushProviderError) {
        let account = try FCMServiceAccount(json: serviceAccountJSON)
        if let endpointBase {
            self.init(serviceAccount: account, endpointBase: endpointBase, requestTimeout: requestTimeout, now: now, trustRoots: trustRoots)
        } else {
            self.init(serviceAccount: account, requestTimeout: requestTimeout, now: now, trustRoots: trustRoots)
        }
    }
}
