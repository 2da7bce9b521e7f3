import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import SyncProtocol

/// `GET /v1/sync/live`: a WebSocket on which the server sends `{"type":"poke"}` whenever the
/// signed-in user's partitions change. The client answers nothing; it pulls. When the server shuts
/// down, the socket is closed with 1012 ("service restart", ``LiveHub/restartCloseCode``).
public struct LiveController: Sendable {
    /// The connected clients.
    public let hub: LiveHub

    /// Creates the controller.
    public init(hub: LiveHub) { self.hub = hub }

    /// Adds the WebSocket route to the upgrade router (behind an ``Authenticator`` that accepts
    /// `?access_token=`). The route stays in the router's own context, where the upgrade keeps its
    /// handler, so it reads the caller from ``SyncRequestContext/identity``: no caller, no upgrade.
    public func addRoutes(to router: Router<SyncRequestContext>) {
        router.ws("/v1/sync/live") { _, context in
            context.identity == nil ? .dontUpgrade : .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let identity = context.requestContext.identity else { return }
            let restart = WebSocketErrorCode(codeNumber: LiveHub.restartCloseCode)
            guard let connection = await hub.connect(tenant: identity.tenantID, user: identity.userID) else {
                // The server is shutting down: send the client elsewhere at once.
                try await outbound.close(restart, reason: LiveHub.restartCloseReason)
                return
            }
            let (id, pokes) = connection
            defer { Task { await hub.disconnect(id) } }
            let hello = String(decoding: try JSONEncoder().encode(LiveMessage.hello), as: UTF8.self)
            let poke = String(decoding: try JSONEncoder().encode(LiveMessage.poke), as: UTF8.self)
            try await outbound.write(.text(hello))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Reading keeps the connection's control frames flowing; the client closing ends it.
                    for try await _ in inbound {}
                }
                group.addTask {
                    for await _ in pokes {
                        try await outbound.write(.text(poke))
                    }
                    // The stream ends when the hub closes (shutdown) or forgets this client.
                    if await hub.isClosing {
                        try await outbound.close(restart, reason: LiveHub.restartCloseReason)
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
