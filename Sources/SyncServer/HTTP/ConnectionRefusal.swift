import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1

/// An error answer that ``ConnectionGuard`` writes itself, below the router, before it closes the
/// connection: a problem (`application/problem+json`) plus any extra header fields.
struct ConnectionRefusal: Sendable {
    /// The problem sent as the body.
    var problem: Problem
    /// Header fields added to the answer.
    var extraHeaders: [(String, String)] = []

    /// The request line and header fields exceed the limit: `431 headers_too_large`.
    static func headersTooLarge(limit: Int) -> ConnectionRefusal {
        ConnectionRefusal(
            problem: Problem(
                .headersTooLarge,
                "the request line and header fields exceed \(limit) bytes"
            ))
    }

    /// The head did not arrive in time: `408 request_timeout`.
    static func headerTimeout(_ timeout: Duration) -> ConnectionRefusal {
        ConnectionRefusal(
            problem: Problem(
                .requestTimeout,
                "the request's header fields did not arrive within \(timeout.components.seconds) s"
            ))
    }

    /// The bytes are not an HTTP/1.1 request: `400 invalid`.
    static let malformed = ConnectionRefusal(problem: Problem(.invalid, "the request is not valid HTTP/1.1"))

    /// A WebSocket upgrade request without a usable `Sec-WebSocket-Key` or `Sec-WebSocket-Version: 13`:
    /// `400 invalid` (RFC 6455, 4.2.2), naming the supported version.
    static func badWebSocketHandshake(_ message: String) -> ConnectionRefusal {
        ConnectionRefusal(
            problem: Problem(.invalid, message),
            extraHeaders: [("Sec-WebSocket-Version", "13")]
        )
    }

    /// The answer as NIO HTTP/1.1 parts: head (with `Connection: close`) and body.
    func parts() -> (head: HTTPResponseHead, body: ByteBuffer) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = ByteBuffer(bytes: (try? encoder.encode(problem)) ?? Data())
        var headers = HTTPHeaders([
            ("Content-Type", "application/problem+json"),
            ("Content-Length", String(body.readableBytes)),
            ("Connection", "close"),
        ])
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let status = HTTPResponseStatus(statusCode: problem.status.code, reasonPhrase: problem.status.reasonPhrase)
        return (HTTPResponseHead(version: .http1_1, status: status, headers: headers), body)
    }
}
