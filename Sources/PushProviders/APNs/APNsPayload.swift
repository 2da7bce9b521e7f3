/// Builds the JSON body APNs expects for a visible notification, with plain string building
/// (no `JSONSerialization`): `{"aps":{"alert":{"title":…,"body":…},"badge":…,"thread-id":…,
/// "sound":"default"},…custom keys…}`.
public enum APNsPayload {
    /// The largest payload APNs accepts for a regular (non-VoIP) notification, in bytes.
    public static let maximumSize = 4096

    /// The UTF-8 JSON body for `message`. Custom data keys go at the top level, sorted; a custom
    /// key named `aps` is dropped because that dictionary belongs to Apple.
    public static func encode(_ message: PushMessage) -> String {
        var json = ""
        json.reserveCapacity(96 + message.title.utf8.count + message.body.utf8.count + message.data.count * 32)
        json += #"{"aps":{"alert":{"title":"#
        appendQuoted(message.title, to: &json)
        json += #","body":"#
        appendQuoted(message.body, to: &json)
        json += "}"
        if let badge = message.badge {
            json += #","badge":"#
            json += String(badge)
        }
        if let threadID = message.threadID {
            json += #","thread-id":"#
            appendQuoted(threadID, to: &json)
        }
        json += #","sound":"default"}"#
        if !message.data.isEmpty {
            for key in message.data.keys.sorted() where key != "aps" {
                json += ","
                appendQuoted(key, to: &json)
                json += ":"
                appendQuoted(message.data[key] ?? "", to: &json)
            }
        }
        json += "}"
        return json
    }

    /// Appends `text` as a JSON string literal (RFC 8259 §7 escaping).
    static func appendQuoted(_ text: String, to json: inout String) {
        json += "\""
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            json += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": json += "\\\""
                case "\\": json += "\\\\"
                case "\n": json += "\\n"
                case "\r": json += "\\r"
                case "\t": json += "\\t"
                case "\u{08}": json += "\\b"
                case "\u{0C}": json += "\\f"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        json.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        json += "\""
    }
}
