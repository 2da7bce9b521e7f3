import Foundation

/// Cursor surgery for tests: reads the JSON payload of a pull cursor as raw member texts, changes
/// some and puts it back where it was, keeping everything around it (a signed cursor's version
/// prefix and MAC). Numbers keep every digit (`9223372036854775807` stays exact).
///
/// A signed cursor is `<version>.<payload>.<mac>`; an unsigned one is the payload alone.
enum CursorSurgery {
    /// The payload's members as JSON texts, or `nil` when no part of `cursor` is a base64url
    /// JSON object.
    static func members(of cursor: String) -> [String: String]? {
        guard let part = payloadPart(of: cursor) else { return nil }
        return decode(String(part))
    }

    /// `cursor` with its payload's members changed by `change` (values are JSON texts).
    static func changing(_ cursor: String, _ change: (inout [String: String]) -> Void) -> String {
        guard let part = payloadPart(of: cursor), var members = decode(String(part)) else { return cursor }
        change(&members)
        var text = cursor
        text.replaceSubrange(part.startIndex..<part.endIndex, with: encode(object(members)))
        return text
    }

    /// The JSON object text of raw member texts, members sorted.
    static func object(_ members: [String: String]) -> String {
        "{" + members.keys.sorted().map { key in "\"\(key)\":\(members[key] ?? "null")" }.joined(separator: ",") + "}"
    }

    /// The base64url form of `text` without padding.
    static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The bytes of a base64url text, or `nil`.
    static func decodeBytes(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    private static func decode(_ text: String) -> [String: String]? {
        guard let data = decodeBytes(text), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        var members: [String: String] = [:]
        for (key, value) in object {
            guard let raw = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]) else { return nil }
            members[key] = String(decoding: raw, as: UTF8.self)
        }
        return members
    }

    private static func payloadPart(of cursor: String) -> Substring? {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        return parts.first { decode(String($0)) != nil }
    }
}
