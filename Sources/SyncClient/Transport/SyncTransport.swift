import Foundation
import SyncProtocol

/// How the client reaches the server: one HTTP exchange, and the live WebSocket.
///
/// ``NetworkTransport`` is the real one (AsyncHTTPClient and WSClient). The engine depends only on
/// this protocol, so another implementation can route requests elsewhere.
public protocol SyncTransport: Sendable {
    /// Sends one request and returns the server's answer, whatever its status.
    /// - Throws: ``SyncClientError`` `network` or `timeout` when no answer arrived.
    func send(_ request: TransportRequest) async throws -> TransportResponse

    /// Opens the live WebSocket and calls `onMessage` for each message until the server closes it.
    /// - Parameters:
    ///   - url: The `ws://` or `wss://` URL of `/v1/sync/live`.
    ///   - headers: Headers of the upgrade request (`Authorization`, `Tidemark-Protocol`).
    ///   - onMessage: Called for each text frame that decodes as a ``LiveMessage``.
    /// - Returns: How the server closed the socket (`nil` when it sent no close frame).
    /// - Throws: ``SyncClientError`` `network` when the connection fails or breaks.
    func live(url: String, headers: [String: String], onMessage: @escaping @Sendable (LiveMessage) async -> Void) async throws -> LiveClose?
}

/// One HTTP request of the sync protocol.
public struct TransportRequest: Sendable, Hashable {
    /// The HTTP method.
    public enum Method: String, Sendable, Hashable {
        /// `GET`
        case get = "GET"
        /// `POST`
        case post = "POST"
    }

    /// The method.
    public var method: Method
    /// The absolute URL, query included.
    public var url: String
    /// Header fields.
    public var headers: [String: String]
    /// The JSON body, if any.
    public var body: Data?
    /// How long the whole exchange may take.
    public var timeout: Duration

    /// Creates a request.
    public init(method: Method, url: String, headers: [String: String] = [:], body: Data? = nil, timeout: Duration) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// The server's answer to a ``TransportRequest``.
public struct TransportResponse: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// Header fields, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
