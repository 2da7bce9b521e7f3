import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the sync server: Hummingbird's core storage, the WebSocket handler
/// slot, the upload limit and the body coders, and the caller once ``Authenticator`` has verified
/// them.
///
/// Handlers of authenticated routes never read ``identity``: their route group turns this context
/// into an ``AuthenticatedRequestContext``, whose identity is not optional, or answers
/// `401 unauthorized`. Only the WebSocket upgrade (`GET /v1/sync/live`), which must run in the
/// context its router created, reads it here.
public struct SyncRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// Where a WebSocket route keeps its handler.
    public let webSocket: WebSocketHandlerReference<Self>
    /// The caller verified by ``Authenticator``; `nil` before it ran (and on public routes).
    public var identity: Identity?
    /// The TCP peer (a proxy, behind one: see ``ClientAddress``).
    public let remoteAddress: SocketAddress?
    /// The largest request body `request.decode(as:context:)` reads: the server's
    /// ``ServerConfiguration/maxRequestBodyBytes``, set before routing (see
    /// ``RequestDeadlineResponder``); more is `413 payload_too_large`.
    public var maxUploadSize: Int

    /// The largest request body when nothing else is configured: 2 MiB.
    public static let defaultMaxUploadSize = 2 << 20

    /// Creates a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress
        self.maxUploadSize = Self.defaultMaxUploadSize
    }

    /// Decodes JSON bodies, answering `400 invalid` with the member at fault.
    public var requestDecoder: JSONRequestDecoder { JSONRequestDecoder() }
    /// Encodes JSON answers with sorted keys.
    public var responseEncoder: JSONResponseEncoder { JSONResponseEncoder() }
}
