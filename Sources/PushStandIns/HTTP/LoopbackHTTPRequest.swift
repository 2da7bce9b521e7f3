import Foundation

/// One HTTP/1.1 request as a stand-in server received it: method, path, headers and the whole body.
public struct LoopbackHTTPRequest: Sendable {
    /// The request method, e.g. `POST`.
    public var method: String
    /// The request target's path, without the query, e.g. `/push/abc`.
    public var path: String
    /// The query string after `?`, if any.
    public var query: String?
    /// The header fields in the order received (names as sent).
    public var headers: [(name: String, value: String)]
    /// The whole request body.
    public var body: Data

    /// Creates a request.
    public init(method: String, path: String, query: String? = nil, headers: [(name: String, value: String)], body: Data) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (compared case-insensitively), or `nil`.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// All headers with lower-cased names; when a name repeats, the first value wins.
    public var headerDictionary: [String: String] {
        var result: [String: String] = [:]
        for field in headers where result[field.name.lowercased()] == nil {
            result[field.name.lowercased()] = field.value
        }
        return result
    }
}
