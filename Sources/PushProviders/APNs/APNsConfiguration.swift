import Crypto
import Foundation

/// Everything ``APNsProvider`` needs to talk to Apple Push Notification service with
/// token-based (JWT) authentication.
///
/// The signing key is the P-256 key from Apple's `.p8` file (PEM, PKCS#8). The key id is the
/// 10-character identifier Apple shows next to the key; the team id is the developer team's id.
public struct APNsConfiguration: Sendable {
    /// The 10-character id of the APNs signing key (the JWT `kid`).
    public var keyID: String
    /// The developer team id (the JWT `iss`).
    public var teamID: String
    /// The P-256 signing key from the `.p8` file.
    public var privateKey: P256.Signing.PrivateKey
    /// The app's bundle id, sent as `apns-topic` when a message has no topic of its own.
    public var defaultTopic: String
    /// The base URL for production device tokens.
    public var productionURL: String
    /// The base URL for sandbox (development) device tokens.
    public var sandboxURL: String
    /// The deadline for one HTTP request, connection set-up included; a request that runs
    /// longer ends in ``PushOutcome/retry(reason:after:)``.
    public var requestTimeout: Duration
    /// The PEM certificates to trust instead of the system roots (for a local stand-in's own
    /// certificate authority); `nil` trusts the system roots, as production needs.
    public var trustRootsPEM: [String]?
    /// The `apns-push-type` header value; `alert` for visible notifications.
    public var pushType: String
    /// The clock used for the provider token's `iat` and its refresh, and to refuse expired messages.
    public var now: @Sendable () -> Date

    /// The production APNs endpoint.
    public static let appleProductionURL = "https://api.push.apple.com"
    /// The development APNs endpoint.
    public static let appleSandboxURL = "https://api.sandbox.push.apple.com"

    /// Creates a configuration from an already parsed signing key.
    public init(
        keyID: String,
        teamID: String,
        privateKey: P256.Signing.PrivateKey,
        defaultTopic: String,
        productionURL: String = APNsConfiguration.appleProductionURL,
        sandboxURL: String = APNsConfiguration.appleSandboxURL,
        requestTimeout: Duration = .seconds(10),
        trustRootsPEM: [String]? = nil,
        pushType: String = "alert",
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.keyID = keyID
        self.teamID = teamID
        self.privateKey = privateKey
        self.defaultTopic = defaultTopic
        self.productionURL = productionURL
        self.sandboxURL = sandboxURL
        self.requestTimeout = requestTimeout
        self.trustRootsPEM = trustRootsPEM
        self.pushType = pushType
        self.now = now
    }

    /// Creates a configuration from the PEM text of Apple's `.p8` key file.
    ///
    /// - Throws: ``PushProviderError`` `invalid_key_id` when the key id is not 10 characters,
    ///   `invalid_team_id` when the team id is empty, `invalid_private_key` when the PEM is not a
    ///   P-256 private key.
    public init(
        keyID: String,
        teamID: String,
        privateKeyPEM: String,
        defaultTopic: String,
        productionURL: String = APNsConfiguration.appleProductionURL,
        sandboxURL: String = APNsConfiguration.appleSandboxURL,
        requestTimeout: Duration = .seconds(10),
        trustRootsPEM: [String]? = nil,
        pushType: String = "alert",
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(PushProviderError) {
        guard keyID.count == 10 else {
            throw PushProviderError(.invalidKeyID, "the APNs key id must be the 10 characters Apple issues, got \"\(keyID)\"")
        }
        guard !teamID.isEmpty else { throw PushProviderError(.invalidTeamID, "the APNs team id is empty") }
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw PushProviderError(.invalidPrivateKey, "the APNs key is not a P-256 private key PEM: \(error)")
        }
        self.init(
            keyID: keyID, teamID: teamID, privateKey: key, defaultTopic: defaultTopic,
            productionURL: productionURL, sandboxURL: sandboxURL, requestTimeout: requestTimeout,
            trustRootsPEM: trustRootsPEM, pushType: pushType, now: now
        )
    }
}
