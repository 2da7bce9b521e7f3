/// Why a VAPID private key or subject was refused.
public enum VAPIDKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is neither a P-256 private key PEM nor base64url of a 32-byte private scalar.
    case unreadableKey(String)
    /// The subject is not a `mailto:` or `https:` URI.
    case badSubject(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .unreadableKey(let detail): "VAPID private key unreadable: \(detail)"
        case .badSubject(let subject): "VAPID subject must be a mailto: or https: URI, got \"\(subject)\""
        }
    }
}
