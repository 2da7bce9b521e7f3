import Crypto
import Foundation

/// The `Tidemark-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
///
/// Receivers recompute the HMAC over the raw body with the shared secret, compare it in constant
/// time and reject timestamps outside a tolerance, which stops replays of old deliveries.
public enum WebhookSignature {
    /// The header name.
    public static let headerName = "Tidemark-Signature"

    /// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
    public static func digest(body: Data, secret: String, timestamp: Int) -> String {
        var input = Data("\(timestamp).".utf8)
        input.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The header value for `body` signed at `date`.
    public static func sign(body: Data, secret: String, at date: Date) -> String {
        let timestamp = Int(date.timeIntervalSince1970.rounded(.down))
        return "t=\(timestamp),v1=\(digest(body: body, secret: secret, timestamp: timestamp))"
    }

    /// Checks `header` against `body` and `secret`: the timestamp must lie within `tolerance` of `now`
    /// and one of the `v1` values must equal the expected HMAC (compared in constant time).
    ///
    /// - Throws: ``PushProviderError`` `signature_malformed` for a missing header or one without
    ///   `t=` or `v1=`, `signature_outside_tolerance` for a stale timestamp, `signature_mismatch`
    ///   when no `v1` value matches.
    public static func verify(
        header: String?, body: Data, secret: String, now: Date, tolerance: TimeInterval = 300
    ) throws(PushProviderError) {
        guard let header else { throw malformed }
        var timestamp: Int?
        var candidates: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestamp = Int(pair[1])
            case "v1": candidates.append(String(pair[1]))
            default: continue
            }
        }
        guard let timestamp, !candidates.isEmpty else { throw malformed }
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else {
            throw PushProviderError(.signatureOutsideTolerance, "signature timestamp outside tolerance")
        }
        let expected = Array(digest(body: body, secret: secret, timestamp: timestamp).utf8)
        var matched = false
        for candidate in candidates where constantTimeEqual(Array(candidate.lowercased().utf8), expected) {
            matched = true
        }
        guard matched else { throw PushProviderError(.signatureMismatch, "signature does not match") }
    }

    private static let malformed = PushProviderError(.signatureMalformed, "signature header malformed")

    /// Whether two byte strings are equal, taking time that depends only on their lengths.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
