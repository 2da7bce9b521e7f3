import Hummingbird
import NIOCore

/// The request context of the routes that need a signed-in caller: a ``SyncRequestContext`` whose
/// ``Authenticator`` found a caller, with that caller as a non-optional ``identity``.
///
/// A route group made with `group(context: AuthenticatedRequestContext.self)` below an
/// ``Authenticator`` creates it for each request; when no caller was verified, creating it throws
/// `401 unauthorized` and the handler never runs.
public struct AuthenticatedRequestContext: ChildRequestContext {
    /// Hummingbird's per-request storage (shared with the parent context: route parameters, endpoint).
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller.
    public let identity: Identity
    /// The TCP peer (a proxy, behind one: see ``ClientAddress``).
    public let remoteAddress: SocketAddress?
    /// The largest request body decoded (the parent's).
    public let maxUploadSize: Int

    /// The context of an authenticated request.
    /// - Throws: ``AuthError`` `unauthorized` when ``Authenticator`` verified no caller.
    public init(context: SyncRequestContext) throws(AuthError) {
        guard let identity = context.identity else {
            throw AuthError(.unauthorized, "sign in first: send Authorization: Bearer <access token>")
        }
        self.coreContext = context.coreContext
        self.identity = identity
        self.remoteAddress = context.remoteAddress
        self.maxUploadSize = context.maxUploadSize
    }

    /// Decodes JSON bodies, answering `400 invalid` with the member at fault.
    public var requestDecoder: JSONRequestDecoder { JSONRequestDecoder() }
    /// Encodes JSON answers with sorted keys.
    public var responseEncoder: JSONResponseEncoder { JSONResponseEncoder() }
}
