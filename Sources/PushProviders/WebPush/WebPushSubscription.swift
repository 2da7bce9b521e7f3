import Basics
import Crypto
import Foundation

/// A browser's push subscription (`PushSubscription.toJSON()`), which is the Web Push device token:
/// `{"endpoint":"https://…","keys":{"p256dh":"<base64url point>","auth":"<base64url 16 bytes>"}}`.
public struct WebPushSubscription: Sendable, Equatable {
    /// The push resource URL the push service gave the browser.
    public var endpoint: URL
    /// The user agent's ECDH public key: a 65-byte uncompressed P-256 point (`0x04 | x | y`).
    public var p256dh: Data
    /// The user agent's 16-byte authentication secret.
    public var auth: Data

    /// Creates a subscription from its parts after validating them.
    /// - Parameter allowPlainHTTP: accept an `http` endpoint (only for local stand-ins).
    /// - Throws: ``PushProviderError`` `invalid_endpoint`, `invalid_public_key` or `invalid_auth_secret`.
    public init(endpoint: URL, p256dh: Data, auth: Data, allowPlainHTTP: Bool = false) throws(PushProviderError) {
        guard let scheme = endpoint.scheme?.lowercased(), scheme == "https" || (allowPlainHTTP && scheme == "http"),
            let host = endpoint.host, !host.isEmpty
        else { throw PushProviderError.badEndpoint("\(endpoint.absoluteString) is not an absolute https URL") }
        guard p256dh.count == 65, p256dh.first == 0x04 else {
            throw PushProviderError.badPublicKey("expected a 65-byte uncompressed point, got \(p256dh.count) bytes")
        }
        guard (try? P256.KeyAgreement.PublicKey(x963Representation: p256dh)) != nil else {
            throw PushProviderError.badPublicKey("not a point on P-256")
        }
        guard auth.count == 16 else { throw PushProviderError.badAuthSecret("expected 16 bytes, got \(auth.count)") }
        self.endpoint = endpoint
        self.p256dh = p256dh
        self.auth = auth
    }

    /// Parses and validates the subscription JSON.
    ///
    /// - Throws: ``PushProviderError`` `malformed_subscription` when the text is not a JSON object
    ///   with string fields `endpoint`, `keys.p256dh` and `keys.auth`; `invalid_endpoint`,
    ///   `invalid_public_key` or `invalid_auth_secret` when a field is present but unusable.
    public init(json: String, allowPlainHTTP: Bool = false) throws(PushProviderError) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            throw PushProviderError.malformed("not a JSON object")
        }
        guard let endpointText = object["endpoint"] as? String else { throw PushProviderError.malformed("missing string \"endpoint\"") }
        guard let keys = object["keys"] as? [String: Any] else { throw PushProviderError.malformed("missing object \"keys\"") }
        guard let p256dhText = keys["p256dh"] as? String else { throw PushProviderError.malformed("missing string \"keys.p256dh\"") }
        guard let authText = keys["auth"] as? String else { throw PushProviderError.malformed("missing string \"keys.auth\"") }
        guard let endpoint = URL(string: endpointText) else { throw PushProviderError.badEndpoint("\(endpointText) is not a URL") }
        guard let p256dh = Base64URL.decode(p256dhText) else { throw PushProviderError.badPublicKey("not base64url") }
        guard let auth = Base64URL.decode(authText) else { throw PushProviderError.badAuthSecret("not base64url") }
        try self.init(endpoint: endpoint, p256dh: p256dh, auth: auth, allowPlainHTTP: allowPlainHTTP)
    }

    /// The subscription as JSON, in the shape browsers produce (keys sorted).
    public var json: String {
        let object: [String: Any] = [
            "endpoint": endpoint.absoluteString,
            "keys": ["p256dh": Base64URL.encode(p256dh), "auth": Base64URL.encode(auth)],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The endpoint's origin (`scheme://host[:port]`), the VAPID `aud` for this subscription.
    public var origin: String {
        VAPID.audience(for: endpoint) ?? endpoint.absoluteString
    }
}
