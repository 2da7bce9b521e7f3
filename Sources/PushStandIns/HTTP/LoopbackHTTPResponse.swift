import Foundation

/// A reply a stand-in server sends (or is scripted to send): status, headers and body.
public struct LoopbackHTTPResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields to send; `Content-Length` is added by the server.
    public var headers: [String: String]
    /// The response body.
    public var body: Data

    /// Creates a reply.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A reply with a JSON body (serialised with sorted keys) and `Content-Type: application/json`.
    public static func json(status: Int, _ object: [String: any Sendable], headers: [String: String] = [:]) -> LoopbackHTTPResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var allHeaders = headers
        allHeaders["Content-Type"] = "application/json; charset=UTF-8"
        return LoopbackHTTPResponse(status: status, headers: allHeaders, body: body)
    }

    /// A reply with a plain-text body.
    public static func text(status: Int, _ text: String, headers: [String: String] = [:]) -> LoopbackHTTPResponse {
        var allHeaders = headers
        allHeaders["Content-Type"] = "text/plain; charset=UTF-8"
        return LoopbackHTTPResponse(status: status, headers: allHeaders, body: Data(text.utf8))
    }
}
