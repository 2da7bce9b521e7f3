import Foundation
import _CryptoExtras

/// A Google service-account key file (the JSON downloaded from the Firebase / Cloud console), as FCM
/// HTTP v1 needs it to obtain OAuth2 access tokens.
public struct FCMServiceAccount: Sendable {
    /// The Firebase project id (`project_id`), part of the send URL.
    public var projectID: String
    /// The key's id (`private_key_id`), sent as the JWT `kid`.
    public var privateKeyID: String
    /// The RSA signing key (`private_key`).
    public var privateKey: _RSA.Signing.PrivateKey
    /// The account's e-mail (`client_email`), the JWT `iss`.
    public var clientEmail: String
    /// Where to exchange the signed JWT for an access token (`token_uri`).
    public var tokenURI: URL

    /// Creates an account from its parts.
    public init(projectID: String, privateKeyID: String, privateKey: _RSA.Signing.PrivateKey, clientEmail: String, tokenURI: URL) {
        self.projectID = projectID
        self.privateKeyID = privateKeyID
        self.privateKey = privateKey
        self.clientEmail = clientEmail
        self.tokenURI = tokenURI
    }

    /// Parses the key file's contents. Requires `type` = `service_account`, `project_id`,
    /// `private_key_id`, `private_key` (PEM, PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1) and `client_email`;
    /// `token_uri` defaults to `https://oauth2.googleapis.com/token` when absent.
    ///
    /// - Throws: ``PushProviderError`` `service_account_not_json`, `service_account_missing_field`,
    ///   `service_account_wrong_type`, `invalid_token_uri` or `invalid_private_key`.
    public init(json: String) throws(PushProviderError) {
        try self.init(jsonData: Data(json.utf8))
    }

    /// Parses the key file's bytes; see ``init(json:)``.
    public init(jsonData: Data) throws(PushProviderError) {
        guard let object = (try? JSONSerialization.jsonObject(with: jsonData)) as? [String: Any] else {
            throw PushProviderError(.serviceAccountNotJSON, "service account file is not a JSON object")
        }
        func field(_ name: String) throws(PushProviderError) -> String {
            guard let value = object[name] as? String, !value.isEmpty else {
                throw PushProviderError(.serviceAccountMissingField, "service account file lacks \"\(name)\"")
            }
            return value
        }
        let type = try field("type")
        guard type == "service_account" else {
            throw PushProviderError(.serviceAccountWrongType, "service account file has type \"\(type)\", expected \"service_account\"")
        }
        let projectID = try field("project_id")
        let privateKeyID = try field("private_key_id")
        let pem = try field("private_key")
        let clientEmail = try field("client_email")
        let tokenURIText = (object["token_uri"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "https://oauth2.googleapis.com/token"
        guard let tokenURI = URL(string: tokenURIText), let scheme = tokenURI.scheme, scheme.hasPrefix("http"), tokenURI.host != nil else {
            throw PushProviderError(.invalidTokenURI, "service account token_uri \"\(tokenURIText)\" is not an absolute URL")
        }
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw PushProviderError(.invalidPrivateKey, "service account private_key is not an RSA private key PEM: \(error)")
        }
        self.init(projectID: projectID, privateKeyID: privateKeyID, privateKey: key, clientEmail: clientEmail, tokenURI: tokenURI)
    }
}
