import Foundation

/// Base64url without padding (RFC 4648 §5), as JWTs, Web Push keys, refresh tokens and sync
/// cursors use it.
public enum Base64URL {
    /// Encodes bytes, without `=` padding.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes text with or without padding; `nil` when it is not base64url (a character outside
    /// the alphabet, such as `+` or `/` of plain base64, or a length no encoding has).
    public static func decode<Text: StringProtocol>(_ text: Text) -> Data? {
        let unpadded = text.hasSuffix("==") ? text.dropLast(2) : text.hasSuffix("=") ? text.dropLast() : text[...]
        guard unpadded.utf8.allSatisfy(isAlphabetByte) else { return nil }
        var base64 = unpadded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }

    /// Whether `byte` is one of the 64 characters of the alphabet (`A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`).
    public static func isAlphabetByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
    }
}
