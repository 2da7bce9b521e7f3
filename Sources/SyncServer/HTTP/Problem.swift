import Foundation
import Hummingbird

/// An error answer in the `application/problem+json` format (RFC 9457) with a stable `code`.
public struct Problem: Error, Sendable, Codable, HTTPResponseError {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code, for example `not_found`.
    public var code: String
    /// A message a person understands.
    public var message: String
    /// Seconds the client should wait before retrying, sent as `Retry-After`.
    public var retryAfter: Int?

    /// Creates a problem.
    public init(_ status: HTTPResponse.Status, code: String, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    enum CodingKeys: String, CodingKey { case title, status, code, detail }

    /// Decodes the JSON form.
    ///
    /// - Throws: `DecodingError` for a status outside 100-599 (`HTTPResponse.Status` traps on one
    ///   outside 0-999).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let code = try container.decode(Int.self, forKey: .status)
        guard (100...599).contains(code) else {
            throw DecodingError.dataCorruptedError(forKey: .status, in: container, debugDescription: "status \(code) is not an HTTP status")
        }
        self.status = HTTPResponse.Status(code: code)
        self.code = try container.decode(String.self, forKey: .code)
        self.message = try container.decode(String.self, forKey: .detail)
    }

    /// Encodes `{title, status, code, detail}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.reasonPhrase, forKey: .title)
        try container.encode(status.code, forKey: .status)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .detail)
    }

    /// Renders the problem as a response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(self)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
