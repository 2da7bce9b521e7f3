import Crypto
import Foundation

/// Turns a collapse key into a Web Push `Topic` header value (RFC 8030 §5.4): at most 32 characters of
/// the URL- and filename-safe base64 alphabet.
public enum WebPushTopic {
    /// The key itself when it already fits; otherwise base64url of the first 24 bytes of its SHA-256
    /// (exactly 32 characters), so equal keys always give equal topics.
    public static func make(from collapseKey: String) -> String {
        let fits = !collapseKey.isEmpty && collapseKey.utf8.count <= 32 && collapseKey.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
        if fits { return collapseKey }
        let digest = SHA256.hash(data: Data(collapseKey.utf8))
        return Base64URL.encode(Array(digest).prefix(24))
    }
}
