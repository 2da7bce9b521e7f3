import Hummingbird
import NIOCore

/// The request context of the routes that take credentials without a token (register, login,
/// refresh): a ``SyncRequestContext`` whose bodies may have at most 16 KiB, as documented, since
/// anyone may send them.
public struct CredentialRequestContext: ChildRequestContext {
    /// Hummingbird's per-request storage (shared with the parent context).
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer (a proxy, behind one: see ``ClientAddress``).
    public let remoteAddress: SocketAddress?
    /// The largest request body decoded: 16 KiB (or the server's limit, if lower).
    public let maxUploadSize: Int

    /// The largest credential body.
    public static let maxCredentialBytes = 16 * 1024

    /// The context of a credential request.
    public init(context: SyncRequestContext) {
        self.coreContext = context.coreContext
        self.remoteAddress = context.remoteAddress
        self.maxUploadSize = min(Self.maxCredentialBytes, context.maxUploadSize)
    }

    /// Decodes JSON bodies, answering `400 invalid` with the member at fault.
    public var requestDecoder: JSONRequestDecoder { JSONRequestDecoder() }
    /// Encodes JSON answers with sorted keys.
    public var responseEncoder: JSONResponseEncoder { JSONResponseEncoder() }
}
