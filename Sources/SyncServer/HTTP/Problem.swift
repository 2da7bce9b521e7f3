import Commands
import Foundation
import Hummingbird

/// An error answer in the `application/problem+json` format (RFC 9457) with a stable ``Code``.
///
/// The status comes from the code: each code is minted here with its status, or is a
/// ``CommandError/Code`` or ``AuthError/Code`` that carries its own. Every `503` answer carries
/// `Retry-After`.
public struct Problem: Error, Sendable, Codable, HTTPResponseError {
    /// A stable, machine-readable code and the HTTP status it is answered with.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "not_found".
        public let rawValue: String
        /// The HTTP status of an answer with this code.
        public let status: HTTPResponse.Status

        private init(_ rawValue: String, status: HTTPResponse.Status) {
            self.rawValue = rawValue
            self.status = status
        }

        /// The wire name.
        public var description: String { rawValue }

        /// The request is malformed (400).
        public static let invalid = Code("invalid", status: .badRequest)
        /// No or a bad access token (401).
        public static let unauthorized = Code("unauthorized", status: .unauthorized)
        /// Not allowed (403).
        public static let forbidden = Code("forbidden", status: .forbidden)
        /// Nothing is routed at this path (404).
        public static let notFound = Code("not_found", status: .notFound)
        /// The path is routed for other methods (405).
        public static let methodNotAllowed = Code("method_not_allowed", status: .methodNotAllowed)
        /// The request head did not arrive in time (408).
        public static let requestTimeout = Code("request_timeout", status: .requestTimeout)
        /// The request body is larger than the endpoint accepts (413).
        public static let payloadTooLarge = Code("payload_too_large", status: .contentTooLarge)
        /// The client's protocol version is too old (426).
        public static let upgradeRequired = Code("upgrade_required", status: .upgradeRequired)
        /// Too many requests; wait `Retry-After` seconds (429).
        public static let rateLimited = Code("rate_limited", status: .tooManyRequests)
        /// The request line and header fields are too large (431).
        public static let headersTooLarge = Code("headers_too_large", status: .requestHeaderFieldsTooLarge)
        /// The server failed in a way it did not expect (500).
        public static let internalError = Code("internal", status: .internalServerError)
        /// The database failed, is not ready, or the request was not answered within the
        /// deadline; retrying later is safe (503).
        public static let unavailable = Code("unavailable", status: .serviceUnavailable)

        /// A command's code, under its own wire name and status.
        public init(_ code: CommandError.Code) {
            self.init(code.rawValue, status: HTTPResponse.Status(code: code.status))
        }

        /// An authentication code, under its own wire name and status.
        public init(_ code: AuthError.Code) {
            self.init(code.rawValue, status: code.status)
        }

        /// The code of an HTTP error the router raised, keeping its status: `not_found`,
        /// `method_not_allowed`, `payload_too_large`, `unauthorized`, `forbidden`; `internal` for
        /// any other 5xx, `invalid` for any other status.
        init(routerStatus status: HTTPResponse.Status) {
            switch status {
            case .notFound: self = .notFound
            case .methodNotAllowed: self = .methodNotAllowed
            case .contentTooLarge: self = .payloadTooLarge
            case .badRequest: self = .invalid
            case .unauthorized: self = .unauthorized
            case .forbidden: self = .forbidden
            default: self.init(status.code >= 500 ? "internal" : "invalid", status: status)
            }
        }

        /// A code read from the wire.
        fileprivate init(decoding rawValue: String, status: HTTPResponse.Status) {
            self.init(rawValue, status: status)
        }
    }

    /// The stable code.
    public var code: Code
    /// A message a person understands. Never contains database text.
    public var message: String
    /// Seconds the client should wait before retrying, sent as `Retry-After`.
    public var retryAfter: Int?

    /// The HTTP status, the code's.
    public var status: HTTPResponse.Status { code.status }

    /// Creates a problem.
    /// - Parameters:
    ///   - code: The code, which sets the status.
    ///   - message: A message a person understands, without database text.
    ///   - retryAfter: Seconds to wait before retrying; a `503` without one says 1.
    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter ?? (code.status == .serviceUnavailable ? 1 : nil)
    }

    /// A refused or failed command.
    public init(_ error: CommandError) {
        self.init(Code(error.code), error.message)
    }

    /// A refused authentication or session request.
    public init(_ error: AuthError) {
        self.init(Code(error.code), error.message, retryAfter: error.retryAfter)
    }

    enum CodingKeys: String, CodingKey { case title, status, code, detail }

    /// Decodes the JSON form.
    ///
    /// - Throws: `DecodingError` for a status outside 100-599 (`HTTPResponse.Status` traps on one
    ///   outside 0-999).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let status = try container.decode(Int.self, forKey: .status)
        guard (100...599).contains(status) else {
            throw DecodingError.dataCorruptedError(forKey: .status, in: container, debugDescription: "status \(status) is not an HTTP status")
        }
        self.code = Code(decoding: try container.decode(String.self, forKey: .code), status: HTTPResponse.Status(code: status))
        self.message = try container.decode(String.self, forKey: .detail)
    }

    /// Encodes `{title, status, code, detail}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.reasonPhrase, forKey: .title)
        try container.encode(status.code, forKey: .status)
        try container.encode(code.rawValue, forKey: .code)
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
