import Foundation
import Hummingbird

/// Encodes JSON answers: sorted keys, ISO-8601 dates, `Content-Type: application/json`.
public struct JSONResponseEncoder: ResponseEncoder {
    /// Creates the encoder.
    public init() {}

    /// A `200 OK` answer holding `value`.
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        try encode(value, status: .ok)
    }

    /// An answer with `status` holding `value`.
    public func encode(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
