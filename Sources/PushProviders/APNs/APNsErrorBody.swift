import Foundation
import NIOCore

/// The JSON body of an APNs error reply: `{"reason":"…"}`, plus `"timestamp"` (milliseconds
/// since 1970) for `410`.
struct APNsErrorBody: Sendable {
    /// The reason text, if the body had one.
    var reason: String?
    /// When the token became invalid (410 only).
    var timestamp: Date?

    /// Parses `body`; a body that is not JSON yields no reason and no timestamp.
    init(_ body: ByteBuffer) {
        guard body.readableBytes > 0,
            let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else { return }
        reason = object["reason"] as? String
        if let milliseconds = object["timestamp"] as? NSNumber {
            timestamp = Date(timeIntervalSince1970: milliseconds.doubleValue / 1000)
        } else if let text = object["timestamp"] as? String, let milliseconds = Double(text) {
            timestamp = Date(timeIntervalSince1970: milliseconds / 1000)
        }
    }
}
