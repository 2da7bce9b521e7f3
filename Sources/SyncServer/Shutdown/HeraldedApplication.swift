import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// A Hummingbird application whose graceful shutdown starts with a ``ShutdownHerald``.
///
/// Hummingbird runs its HTTP server as the last service of the application's own service group, so
/// the server is the first to hear of a graceful shutdown: nothing placed in the application's
/// services can act before it stops accepting connections. This application runs `base` in a group
/// of two with the herald after it, so the herald acts first (readiness 503, live sockets closed
/// with 1012), and `base` (the server, then the dispatchers, runners and the database pool, in
/// reverse order) stops only once the herald is done.
///
/// Everything else is `base`'s, so the application also works where its `run()` is not called
/// (Hummingbird's test framework runs the base application's parts itself, without the herald).
struct HeraldedApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    /// The application.
    let base: Base
    /// The first step of its graceful shutdown.
    let herald: ShutdownHerald

    var responder: Base.Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration }
    var logger: Logger { base.logger }
    var services: [any Service] { base.services }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
    }

    func run() async throws {
        let group = ServiceGroup(configuration: .init(services: [base, herald], logger: base.logger))
        try await group.run()
    }
}
