import Domain
import Foundation

/// The WebSocket clients connected to this server instance, by tenant and user, and the pokes
/// waiting for them. Shared mutable state, hence an actor.
///
/// Each client gets an `AsyncStream` that buffers at most one poke: pokes that arrive while the
/// client is still pulling collapse into one, so a slow client never makes the server buffer.
///
/// When the server shuts down, ``closeAll()`` ends every client's stream and refuses new clients:
/// their sockets are then closed with ``restartCloseCode`` ("service restart"), which tells a
/// client to reconnect at once, to another instance.
public actor LiveHub {
    /// The WebSocket close code sent when the server shuts down: 1012, "service restart" (RFC 6455
    /// registry). Clients reconnect promptly, with a little jitter, instead of backing off.
    public static let restartCloseCode = 1012
    /// The reason sent with ``restartCloseCode``.
    public static let restartCloseReason = "server shutting down; reconnect"

    private struct Client {
        var tenant: TenantID
        var user: UserID
        var continuation: AsyncStream<Void>.Continuation
    }

    private var clients: [UUID: Client] = [:]
    private var byUser: [UserID: Set<UUID>] = [:]
    private var byTenant: [TenantID: Set<UUID>] = [:]
    private var closing = false

    /// Creates an empty hub.
    public init() {}

    /// The number of connected clients.
    public var count: Int { clients.count }

    /// Whether ``closeAll()`` was called: the server is shutting down.
    public var isClosing: Bool { closing }

    /// Registers a client; the stream yields once per (coalesced) poke and finishes when the client
    /// disconnects or the hub closes. `nil` once the hub is closing (the server is shutting down).
    public func connect(tenant: TenantID, user: UserID) -> (id: UUID, pokes: AsyncStream<Void>)? {
        guard !closing else { return nil }
        let id = UUID()
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        clients[id] = Client(tenant: tenant, user: user, continuation: continuation)
        byUser[user, default: []].insert(id)
        byTenant[tenant, default: []].insert(id)
        return (id, stream)
    }

    /// Forgets a client.
    public func disconnect(_ id: UUID) {
        guard let client = clients.removeValue(forKey: id) else { return }
        client.continuation.finish()
        byUser[client.user]?.remove(id)
        if byUser[client.user]?.isEmpty == true { byUser[client.user] = nil }
        byTenant[client.tenant]?.remove(id)
        if byTenant[client.tenant]?.isEmpty == true { byTenant[client.tenant] = nil }
    }

    /// Refuses new clients from now on and finishes every client's stream, so that each socket is
    /// closed with ``restartCloseCode``. Returns how many clients were connected.
    @discardableResult
    public func closeAll() -> Int {
        closing = true
        for client in clients.values { client.continuation.finish() }
        return clients.count
    }

    /// Pokes the clients a change-feed notification concerns: `"<tenant>"` pokes the whole
    /// tenant, `"<tenant>:<user>"` one user's clients. Malformed payloads are ignored.
    public func poke(payload: String) {
        let parts = payload.split(separator: ":")
        guard let first = parts.first, let tenant = TenantID(String(first)) else { return }
        let ids: Set<UUID>
        if parts.count == 2, let user = UserID(String(parts[1])) {
            ids = byUser[user] ?? []
        } else {
            ids = byTenant[tenant] ?? []
        }
        for id in ids {
            clients[id]?.continuation.yield()
        }
    }

    /// Pokes every client (after the listener reconnects: something may have been missed).
    public func pokeAll() {
        for client in clients.values { client.continuation.yield() }
    }
}
