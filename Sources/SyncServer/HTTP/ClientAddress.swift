import Foundation
import Hummingbird
import NIOCore

/// The network address a request came from, as the server's limits see it.
///
/// It is the TCP peer's IP address. Behind a reverse proxy (HAProxy, nginx) the peer is the proxy,
/// so every client would share one address: list the proxy's address in
/// ``AuthOptions/trustedProxies`` and the client address becomes the last entry of
/// `X-Forwarded-For` (the one that proxy appended). `X-Forwarded-For` from any other peer is ignored,
/// because a client can write whatever it likes there.
public struct ClientAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as text (an IPv4 or IPv6 address, or `unknown`).
    public let value: String

    /// Creates an address from its text.
    public init(_ value: String) {
        self.value = value
    }

    /// The address of `request`, received from `peer`.
    /// - Parameters:
    ///   - request: The request (its `X-Forwarded-For` is read only from a trusted proxy).
    ///   - peer: The TCP peer.
    ///   - trustedProxies: Peer addresses whose `X-Forwarded-For` is believed.
    public init(request: Request, peer: SocketAddress?, trustedProxies: Set<String>) {
        let peerAddress = peer?.ipAddress ?? "unknown"
        let forwarded =
            trustedProxies.contains(peerAddress)
            ? request.headers.filter { $0.name.canonicalName == "x-forwarded-for" }.map(\.value).joined(separator: ",").split(separator: ",").last
            : nil
        if let forwarded {
            let text = forwarded.trimmingCharacters(in: CharacterSet.whitespaces)
            self.value = text.isEmpty ? peerAddress : String(text.prefix(64))
        } else {
            self.value = peerAddress
        }
    }

    /// The address as text.
    public var description: String { value }
}
