/// A stand-in that answers plain HTTP on loopback through a ``LoopbackHTTPServer``: the FCM, Web
/// Push and webhook stand-ins. Starting, stopping and the origin are written once, here.
public protocol LoopbackStandIn: Sendable {
    /// The server the stand-in listens with.
    var server: LoopbackHTTPServer { get }

    /// Answers one request, as the real service would.
    func respond(to request: LoopbackHTTPRequest) -> LoopbackHTTPResponse
}

extension LoopbackStandIn {
    /// Starts listening on `127.0.0.1` and `port` (`0`, the default: an ephemeral port; a fixed
    /// one lets servers started before the stand-in be configured with its URL).
    ///
    /// - Throws: When the port cannot be bound.
    public func start(port: Int = 0) async throws {
        try await server.start(port: port) { request in respond(to: request) }
    }

    /// Stops listening and closes connections.
    public func stop() async {
        await server.stop()
    }

    /// `http://127.0.0.1:<port>`: the stand-in's origin.
    public var origin: String { server.origin }
}
