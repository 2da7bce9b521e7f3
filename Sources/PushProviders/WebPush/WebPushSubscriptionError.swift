/// Why a Web Push subscription (the device token) could not be used.
public enum WebPushSubscriptionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token is not a JSON object of the expected shape (or a field is missing or not a string).
    case malformedJSON(String)
    /// `endpoint` is not an absolute `https` URL (`http` only when explicitly allowed).
    case badEndpoint(String)
    /// `keys.p256dh` is not base64url of a 65-byte uncompressed P-256 point on the curve.
    case badPublicKey(String)
    /// `keys.auth` is not base64url of 16 bytes.
    case badAuthSecret(String)

    /// A readable explanation starting with `BadSubscription`.
    public var description: String {
        switch self {
        case .malformedJSON(let detail): "BadSubscription: malformed subscription JSON: \(detail)"
        case .badEndpoint(let detail): "BadSubscription: bad endpoint: \(detail)"
        case .badPublicKey(let detail): "BadSubscription: bad keys.p256dh: \(detail)"
        case .badAuthSecret(let detail): "BadSubscription: bad keys.auth: \(detail)"
        }
    }
}
