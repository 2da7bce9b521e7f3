import Foundation
import Hummingbird

/// Decodes JSON request bodies for `request.decode(as:context:)`, reading at most the context's
/// `maxUploadSize` (more is `NIOTooManyBytesError`, answered `413 payload_too_large`).
///
/// A body that does not decode is `400 invalid` with a message that names the member at fault
/// (`the request body is not valid: member 'mutations.[0].seq' is missing`), instead of
/// Hummingbird's own wording.
public struct JSONRequestDecoder: RequestDecoder {
    /// Creates the decoder.
    public init() {}

    /// Decodes the body of `request` as `T`.
    /// - Throws: ``Problem`` `400 invalid` naming the member at fault; `NIOTooManyBytesError` for
    ///   a body over the context's `maxUploadSize`.
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem(.invalid, "the request body is not valid: \(Self.describe(error))")
        }
    }

    /// Which member is at fault, in words.
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
