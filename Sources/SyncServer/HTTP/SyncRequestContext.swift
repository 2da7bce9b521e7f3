import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the sync server: Hummingbird's core storage, the WebSocket handler
/// slot, and the caller once ``Authenticator`` has verified them.
public struct SyncRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// Where a WebSocket route keeps its handler.
    public let webSocket: WebSocketHandlerReference<Self>
    /// The signed-in caller, when the route is authenticated.
    public var identity: Identity?
    /// The TCP peer (a proxy, behind one: see ``ClientAddress``).
    public let remoteAddress: SocketAddress?

    /// Creates a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The caller, or `unauthorized`.
    public func requireIdentity() throws(AuthError) -> Identity {
        guard let identity else { throw AuthError(.unauthorized, "sign in first: send Authorization: Bearer <access token>") }
        return identity
    }
}
