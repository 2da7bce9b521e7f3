import HTTPTypes
import Hummingbird
import Logging

extension HTTPField.Name {
    /// `X-Request-Id`: the request's id, from the client (when it is safe) or made by the server.
    static let requestID: HTTPField.Name = {
        guard let name = HTTPField.Name("X-Request-Id") else { preconditionFailure("X-Request-Id is a valid field name") }
        return name
    }()
}

/// Gives every request an id: the client's `X-Request-Id` when it is 1-64 characters of
/// `A-Z a-z 0-9 . _ : -`, otherwise the id Hummingbird made for the request (hex digits). The id
/// is
/// - the request logger's `hb.request.id` (so `context.id`, and every line logged with
///   `context.logger`),
/// - the request's `X-Request-Id` header for the handlers (a refused client value is removed),
/// - the answer's `X-Request-Id`, also on error answers,
/// - the correlation id of the events the request appends (``WriteController``, ``SyncController``).
///
/// A refused value is never echoed into headers or logs: an operator searching for it finds
/// nothing, and a client that wants its ids correlated sends safe ones.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The longest client id kept.
    static var maxLength: Int { 64 }

    /// Whether `value` may be taken as a request id as it is.
    static func isAcceptable(_ value: Substring.UTF8View) -> Bool {
        guard (1...maxLength).contains(value.count) else { return false }
        return value.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// The id of a request whose client sent `header` (`nil`: none), given the id Hummingbird made.
    static func requestID(header: String?, generated: String) -> String {
        if let header, isAcceptable(Substring(header).utf8) { return header }
        return generated
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = Self.requestID(header: request.headers[.requestID], generated: context.id)
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        // Exactly one value, the accepted one, for whatever reads the header downstream.
        var head = request.head
        head.headerFields[values: .requestID] = [id]
        let request = Request(head: head, body: request.body)
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            response.headers[.requestID] = id
            return response
        }
    }
}
