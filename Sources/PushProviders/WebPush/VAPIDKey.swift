import Basics
import Crypto
import Foundation

/// The application server's VAPID signing key (ES256, P-256).
public struct VAPIDKey: Sendable {
    /// The private signing key.
    public let privateKey: P256.Signing.PrivateKey

    /// Wraps a key.
    public init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// Reads a key from configuration text: a PEM (`BEGIN EC PRIVATE KEY` or PKCS#8 `BEGIN PRIVATE KEY`)
    /// or base64url of the raw 32-byte private scalar (the form `web-push generate-vapid-keys` prints).
    ///
    /// - Throws: ``PushProviderError`` `invalid_private_key` when the text is neither.
    public init(string: String) throws(PushProviderError) {
        let text = string.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("-----BEGIN") {
            do {
                privateKey = try P256.Signing.PrivateKey(pemRepresentation: text)
            } catch {
                throw Self.unreadable("PEM is not a P-256 private key (\(error))")
            }
            return
        }
        guard let raw = Base64URL.decode(text) else { throw Self.unreadable("neither PEM nor base64url") }
        guard raw.count == 32 else { throw Self.unreadable("raw key must be 32 bytes, got \(raw.count)") }
        do {
            privateKey = try P256.Signing.PrivateKey(rawRepresentation: raw)
        } catch {
            throw Self.unreadable("not a valid P-256 scalar")
        }
    }

    private static func unreadable(_ detail: String) -> PushProviderError {
        PushProviderError(.invalidPrivateKey, "VAPID private key unreadable: \(detail)")
    }

    /// A fresh random key (for tests and for `generate`-style tooling).
    public static func generate() -> VAPIDKey {
        VAPIDKey(privateKey: P256.Signing.PrivateKey())
    }

    /// The public key as base64url of the 65-byte uncompressed point: the `k` parameter and the
    /// browser's `applicationServerKey`.
    public var publicKeyBase64URL: String {
        Base64URL.encode(privateKey.publicKey.x963Representation)
    }

    /// The private scalar as base64url (the raw form ``init(string:)`` accepts).
    public var rawBase64URL: String {
        Base64URL.encode(privateKey.rawRepresentation)
    }

    /// Signs a VAPID JWT: header `{"typ":"JWT","alg":"ES256"}`, claims `aud`, `exp` and `sub`.
    public func makeToken(audience: String, subject: String, expiresAt: Date) throws -> String {
        let claims: [String: any Sendable] = [
            "aud": audience,
            "exp": Int(expiresAt.timeIntervalSince1970.rounded(.down)),
            "sub": subject,
        ]
        let key = privateKey
        return try CompactJWT.make(header: ["typ": "JWT", "alg": "ES256"], claims: claims) { input in
            try key.signature(for: input).rawRepresentation
        }
    }
}
