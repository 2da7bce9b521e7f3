import Foundation
import NIOHTTP1

/// The checks of a WebSocket opening handshake (RFC 6455, 4.2.1) that NIO's upgrader makes
/// without answering: a request it refuses for a missing key or a wrong version would otherwise
/// get no answer at all.
enum WebSocketHandshake {
    /// Whether the request asks to switch to the WebSocket protocol: a `GET` with `Upgrade:
    /// websocket` (RFC 6455 handshakes are GETs; another method is served as a plain request).
    static func isUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.method == .GET && head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    /// Whether the HTTP decoder (llhttp) took the request as an upgrade: `Connection: upgrade`
    /// with an `Upgrade` field, or `CONNECT`. It parses nothing after such a request.
    static func decoderStopsAfter(_ head: HTTPRequestHead) -> Bool {
        if head.method == .CONNECT { return true }
        let connection = head.headers[canonicalForm: "connection"].map { $0.lowercased() }
        return connection.contains("upgrade") && head.headers.contains(name: "upgrade")
    }

    /// The head without its `Upgrade` field unless it is a WebSocket handshake (`h2c`, anything
    /// else, or a WebSocket asked for by another method than GET):
    /// this server speaks no other protocol, and NIO's upgrade handler, seeing an upgrade it has
    /// no upgrader for on a first request, drops the request without an answer. A server may
    /// ignore `Upgrade` (RFC 9110, 7.8), so the request is served as it stands.
    static func ignoringOtherUpgrades(_ head: HTTPRequestHead) -> HTTPRequestHead {
        guard head.headers.contains(name: "upgrade"), !isUpgrade(head) else { return head }
        var head = head
        head.headers.remove(name: "upgrade")
        return head
    }

    /// Why an upgrade request cannot be answered with `101`, or `nil` when it is well formed (its
    /// route and credentials are checked later, by the WebSocket router).
    static func refusal(for head: HTTPRequestHead) -> ConnectionRefusal? {
        guard isUpgrade(head) else { return nil }
        let keys = head.headers[canonicalForm: "sec-websocket-key"]
        guard keys.count == 1, let key = keys.first, Data(base64Encoded: String(key))?.count == 16 else {
            return .badWebSocketHandshake("a WebSocket upgrade needs one Sec-WebSocket-Key: 16 random bytes in base64")
        }
        let versions = head.headers[canonicalForm: "sec-websocket-version"]
        guard versions.count == 1, versions.first == "13" else {
            return .badWebSocketHandshake("a WebSocket upgrade needs Sec-WebSocket-Version: 13")
        }
        return nil
    }
}
