/// Why a Google service-account key file was refused.
public enum FCMServiceAccountError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not a JSON object.
    case notJSON
    /// A required field is missing or not a non-empty string.
    case missingField(String)
    /// `type` is not `service_account`.
    case wrongType(String)
    /// `private_key` is not an RSA private key PEM.
    case badPrivateKey(String)
    /// `token_uri` is not an absolute URL.
    case badTokenURI(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .notJSON: "service account file is not a JSON object"
        case .missingField(let field): "service account file lacks \"\(field)\""
        case .wrongType(let type): "service account file has type \"\(type)\", expected \"service_account\""
        case .badPrivateKey(let detail): "service account private_key is not an RSA private key PEM: \(detail)"
        case .badTokenURI(let uri): "service account token_uri \"\(uri)\" is not an absolute URL"
        }
    }
}
