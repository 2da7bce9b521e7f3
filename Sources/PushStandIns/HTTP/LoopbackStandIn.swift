/// A stand-in that answers plain HTTP on loopback through a ``LoopbackHTTPServer``: the FCM, Web
/// Push and webhook stand-ins. Starting, stopping and the origin are written once, here.
public protocol LoopbackStandIn: Sendable {
    /// The server the stand-in listens with.
    var server: LoopbackHTTPServer { get }

    /// Answers one request, as the real service would.
    func respond(to request: LoopbackHTTPRequest) -> LoopbackHTTPResponse
}

extension LoopbackStandIn {
    /// Starts listening on `127.0.0.1` and an ephemeral port.
    ///
    /// - Throws: When the port cannot be bound.
    public func start() async throws {
        try await server.start { request in respond(to: request) }
    }

    /// Stops listening and closes connections.
    public func stop() async {
        await server.stop()
    }

    /// `http://127.0.0.1:<port>`: the stand-in's origin.
    public var origin: String { server.origin }
}
