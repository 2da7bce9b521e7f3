/// How the server closed the live WebSocket, as far as the client could tell.
public struct LiveClose: Sendable, Hashable {
    /// The close code the server sent (RFC 6455), `nil` when the close frame carried none.
    public var code: Int?
    /// The reason the server gave, if any.
    public var reason: String?

    /// Creates a description of a close.
    public init(code: Int?, reason: String? = nil) {
        self.code = code
        self.reason = reason
    }

    /// 1012, "service restart": the Tidemark server sends it when it shuts down.
    public static let serviceRestartCode = 1012
    /// 1001, "going away": other servers and proxies send it when they shut down.
    public static let goingAwayCode = 1001

    /// Whether the server asked the client to reconnect at once (to another instance): it is
    /// shutting down (1012 service restart, or 1001 going away). ``SyncClient/run()`` then
    /// reconnects after a short jitter (``RetryPolicy/restartJitter``), not after a back-off.
    public var asksToReconnect: Bool {
        code == Self.serviceRestartCode || code == Self.goingAwayCode
    }
}
