import Foundation
import SyncProtocol

/// An HTTP answer: status, headers of interest and the body as JSON (or text).
struct HTTPAnswer: Sendable {
    var status: Int
    var body: Data
    var retryAfter: String?
    var contentType: String?
    /// The answer's `X-Request-Id`.
    var requestID: String? = nil
    /// `X-Tidemark-Read-Source` of a pull answer: `primary` or `standby`.
    var readSource: String? = nil

    var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The problem code of an error answer.
    var code: String? { json?["code"]?.stringValue }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: body)
    }
}
