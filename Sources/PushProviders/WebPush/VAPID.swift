import Foundation

/// Helpers for Voluntary Application Server Identification (RFC 8292).
public enum VAPID {
    /// The longest a VAPID token may be valid: 24 hours (RFC 8292 §2).
    public static let maximumLifetime: TimeInterval = 24 * 60 * 60

    /// The `aud` claim for a push resource: the origin of `endpoint` (`scheme://host[:port]`, the port only
    /// when it is not the scheme's default). `nil` for URLs without scheme or host.
    public static func audience(for endpoint: URL) -> String? {
        guard let scheme = endpoint.scheme?.lowercased(), let host = endpoint.host?.lowercased(), !host.isEmpty else { return nil }
        var origin = "\(scheme)://\(host)"
        if let port = endpoint.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            origin += ":\(port)"
        }
        return origin
    }

    /// The `Authorization` header value: `vapid t=<jwt>, k=<base64url uncompressed public key>`.
    public static func authorizationHeader(token: String, publicKey: String) -> String {
        "vapid t=\(token), k=\(publicKey)"
    }

    /// Splits a `vapid t=…, k=…` header into token and key; `nil` when it has another scheme or lacks a part.
    public static func parseAuthorization(_ value: String) -> (token: String, publicKey: String)? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("vapid ") else { return nil }
        var token: String?
        var key: String?
        for part in trimmed.dropFirst(6).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            switch pair[0].lowercased() {
            case "t": token = String(pair[1])
            case "k": key = String(pair[1])
            default: continue
            }
        }
        guard let token, let key else { return nil }
        return (token, key)
    }
}
