import Foundation
import Hummingbird

/// Decoding request bodies and encoding answers as JSON with stable, readable errors.
enum JSONBody {
    /// Decodes the body as `T`, answering `400 invalid` with the decoder's reason when it is not.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext, limit: Int) async throws -> T {
        let buffer = try await request.body.collect(upTo: limit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem(.invalid, "the request body is not valid: \(describe(error))")
        }
    }

    /// A JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "member '\(path(context.codingPath + [key]))' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "member '\(path(context.codingPath))' has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not JSON" : "member '\(path(context.codingPath))' is malformed"
        @unknown default:
            return "it does not match the expected shape"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
