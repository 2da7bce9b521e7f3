import Basics
import Crypto
import Foundation

/// Turns a collapse key into a Web Push `Topic` header value (RFC 8030 §5.4): at most 32 characters of
/// the URL- and filename-safe base64 alphabet.
public enum WebPushTopic {
    /// The key itself when it already fits; otherwise base64url of the first 24 bytes of its SHA-256
    /// (exactly 32 characters), so equal keys always give equal topics.
    public static func make(from collapseKey: String) -> String {
        let fits = !collapseKey.isEmpty && collapseKey.utf8.count <= 32 && collapseKey.utf8.allSatisfy(Base64URL.isAlphabetByte)
        if fits { return collapseKey }
        let digest = SHA256.hash(data: Data(collapseKey.utf8))
        return Base64URL.encode(Array(digest).prefix(24))
    }
}
