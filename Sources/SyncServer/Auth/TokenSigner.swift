import Basics
import Crypto
import Foundation

/// Signs and verifies access tokens: compact JWS with HS256 (RFC 7515/7519) over ``AccessClaims``.
///
/// Every server instance shares the secret (`TIDEMARK_JWT_SECRET`), so a token issued by one
/// is accepted by all. Only `alg: HS256` is accepted; `none` and every other algorithm are refused.
public struct TokenSigner: Sendable {
    private let key: SymmetricKey

    /// Creates a signer from a secret of at least 32 bytes.
    public init(secret: [UInt8]) throws(AuthError) {
        guard secret.count >= 32 else {
            throw AuthError(.invalid, "the token secret must be at least 32 bytes")
        }
        self.key = SymmetricKey(data: secret)
    }

    /// A signer with a random secret (tokens die with the process; for development and tests).
    public static func random() -> TokenSigner {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        // 32 random bytes always satisfy the length rule.
        return (try? TokenSigner(secret: bytes)) ?? TokenSigner(unchecked: SymmetricKey(size: .bits256))
    }

    private init(unchecked key: SymmetricKey) { self.key = key }

    /// The compact JWS of `claims`.
    public func sign(_ claims: AccessClaims) -> String {
        let header = Base64URL.encode(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let payload = Base64URL.encode((try? encoder.encode(claims)) ?? Data())
        let input = header + "." + payload
        let signature = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key)
        return input + "." + Base64URL.encode(Data(signature))
    }

    /// The claims of `token` after checking its algorithm, signature and expiry.
    ///
    /// - Throws: ``AuthError`` `unauthorized` for a malformed or forged token, `token_expired`
    ///   for one past its `exp`.
    public func verify(_ token: String, now: Date) throws(AuthError) -> AccessClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 4096,
            let headerData = Base64URL.decode(parts[0]),
            let payloadData = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2])
        else {
            throw AuthError(.unauthorized, "the access token is malformed")
        }
        struct Header: Decodable { var alg: String }
        guard let header = try? JSONDecoder().decode(Header.self, from: headerData), header.alg == "HS256" else {
            throw AuthError(.unauthorized, "the access token's algorithm is not accepted")
        }
        let input = Data("\(parts[0]).\(parts[1])".utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: key) else {
            throw AuthError(.unauthorized, "the access token's signature is not valid")
        }
        guard let claims = try? JSONDecoder().decode(AccessClaims.self, from: payloadData) else {
            throw AuthError(.unauthorized, "the access token's claims are malformed")
        }
        guard Double(claims.expiresAt) > now.timeIntervalSince1970 else {
            throw AuthError(.tokenExpired, "the access token has expired; refresh it")
        }
        return claims
    }
}
