import Basics
import Foundation

/// Builds and splits compact JWS tokens (RFC 7515 §7.1) for the provider credentials:
/// ES256 for APNs and VAPID, RS256 for the FCM service account.
public enum CompactJWT {
    /// Signs `header` and `claims` (JSON objects) with `sign`, which receives the signing input
    /// (`base64url(header).base64url(claims)`) and returns the raw signature bytes.
    public static func make(
        header: [String: any Sendable], claims: [String: any Sendable], sign: (Data) throws -> Data
    ) throws -> String {
        let headerJSON = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        let claimsJSON = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
        let input = Base64URL.encode(headerJSON) + "." + Base64URL.encode(claimsJSON)
        let signature = try sign(Data(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    /// The three parts of a compact token, decoded: header and claims as JSON objects, the signing
    /// input and the signature. `nil` when the token is malformed.
    public static func split(_ token: String) -> (header: [String: Any], claims: [String: Any], signingInput: Data, signature: Data)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerData = Base64URL.decode(String(parts[0])),
            let claimsData = Base64URL.decode(String(parts[1])),
            let signature = Base64URL.decode(String(parts[2])),
            let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any],
            let claims = (try? JSONSerialization.jsonObject(with: claimsData)) as? [String: Any]
        else { return nil }
        return (header, claims, Data((parts[0] + "." + parts[1]).utf8), signature)
    }
}
