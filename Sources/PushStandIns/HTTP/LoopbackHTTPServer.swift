import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A Hummingbird application on `127.0.0.1` and an ephemeral port, for the stand-ins that speak
/// plain HTTP/1.1 (FCM, Web Push, webhook).
///
/// Every complete request is handed to the handler given to ``start(handler:)``, whose reply is
/// written back; connections are kept alive as the client asks. Bodies above the limit get `413`
/// without reaching the handler.
public final class LoopbackHTTPServer: Sendable {
    /// Handles one request and returns the reply to write.
    public typealias Handler = @Sendable (LoopbackHTTPRequest) async -> LoopbackHTTPResponse

    private struct Running: Sendable {
        var group: ServiceGroup
        var task: Task<Void, any Error>
        var port: Int
    }

    private let state = Mutex<Running?>(nil)
    private let delay = Mutex<Duration>(.zero)
    private let maximumBodySize: Int

    /// How long each reply waits after its request was handled (and recorded) before it is
    /// written: a provider that answers late. Zero (the default) answers at once.
    public var replyDelay: Duration {
        get { delay.withLock { $0 } }
        set { delay.withLock { $0 = newValue } }
    }

    /// Creates a server that is not listening yet; bodies above `maximumBodySize` bytes are refused with 413.
    public init(maximumBodySize: Int = 1 << 20) {
        self.maximumBodySize = maximumBodySize
    }

    /// The bound port; `0` before ``start(handler:)`` or after ``stop()``.
    public var port: Int {
        state.withLock { $0?.port ?? 0 }
    }

    /// `http://127.0.0.1:<port>`, the server's origin.
    public var origin: String {
        "http://127.0.0.1:\(port)"
    }

    /// Binds `127.0.0.1:port` (`0`: an ephemeral port) and starts serving requests with `handler`.
    /// Returns the bound port.
    ///
    /// - Throws: When the port cannot be bound.
    @discardableResult
    public func start(port requested: Int = 0, handler: @escaping Handler) async throws -> Int {
        let limit = maximumBodySize
        let responder = CallbackResponder { (request: Request, _: BasicRequestContext) async throws -> Response in
            guard let body = try? await request.body.collect(upTo: limit) else {
                return Self.response(.text(status: 413, "request body too large"))
            }
            let reply = await handler(LoopbackHTTPRequest(request, body: body))
            let wait = self.replyDelay
            if wait > .zero { try? await Task.sleep(for: wait) }
            return Self.response(reply)
        }
        let (bound, listening) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: requested)),
            onServerRunning: { channel in
                listening.yield(channel.localAddress?.port ?? 0)
                listening.finish()
            },
            logger: Logger(label: "tidemark.push-stand-in") { _ in SwiftLogNoOpLogHandler() }
        )
        // Run in a service group so `stop()` can shut it down gracefully: cancelling the serving
        // task while an accepted connection is still buffered traps in NIO ("Deinited
        // NIOAsyncWriter without calling finish()", apple/swift-nio#3481).
        let group = ServiceGroup(
            configuration: .init(
                services: [application], gracefulShutdownSignals: [],
                logger: Logger(label: "tidemark.push-stand-in") { _ in
                    SwiftLogNoOpLogHandler()
                }))
        let task = Task {
            defer { listening.finish() }
            try await group.run()
        }
        var port: Int?
        for await value in bound {
            port = value
        }
        guard let port else {
            // The application ended before it listened: its error says why (a port in use, say).
            try await task.value
            throw CancellationError()
        }
        state.withLock { $0 = Running(group: group, task: task, port: port) }
        return port
    }

    /// Stops listening, lets the requests in flight finish and waits until everything is closed;
    /// whatever still runs after 5 s is cancelled.
    public func stop() async {
        guard
            let running = state.withLock({ current -> Running? in
                let value = current
                current = nil
                return value
            })
        else { return }
        await running.group.triggerGracefulShutdown()
        let task = running.task
        let deadline = Task {
            try await Task.sleep(for: .seconds(5))
            task.cancel()
        }
        _ = try? await task.value
        deadline.cancel()
    }

    /// The Hummingbird response for `reply`: its headers (sorted by name) and body, with
    /// `Content-Length` set by the server.
    private static func response(_ reply: LoopbackHTTPResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers.sorted(by: { $0.key < $1.key }) {
            guard let fieldName = HTTPField.Name(name) else { continue }
            headers.append(HTTPField(name: fieldName, value: value))
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
        )
    }
}
