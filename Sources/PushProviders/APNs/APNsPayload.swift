import Basics

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
        JSONString.append(message.title, to: &json)
        json += #","body":"#
        JSONString.append(message.body, to: &json)
        json += "}"
        if let badge = message.badge {
            json += #","badge":"#
            json += String(badge)
        }
        if let threadID = message.threadID {
            json += #","thread-id":"#
            JSONString.append(threadID, to: &json)
        }
        json += #","sound":"default"}"#
        if !message.data.isEmpty {
            for key in message.data.keys.sorted() where key != "aps" {
                json += ","
                JSONString.append(key, to: &json)
                json += ":"
                JSONString.append(message.data[key] ?? "", to: &json)
            }
        }
        json += "}"
        return json
    }
}
