import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server on `127.0.0.1` and an ephemeral port, for the push stand-ins.
///
/// Every complete request is handed to the handler given to ``start(handler:)``, whose reply is
/// written back; connections are kept alive as the client asks. Plain HTTP only.
public final class LoopbackHTTPServer: Sendable {
    /// Handles one request and returns the reply to write.
    public typealias Handler = @Sendable (LoopbackHTTPRequest) async -> LoopbackHTTPResponse

    private struct Running: Sendable {
        var channel: any Channel
        var task: Task<Void, Never>
        var port: Int
    }

    private let state = Mutex<Running?>(nil)
    private let maximumBodySize: Int

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

    /// Binds `127.0.0.1:0` and starts serving requests with `handler`. Returns the bound port.
    @discardableResult
    public func start(handler: @escaping Handler) async throws -> Int {
        let serverChannel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let port = serverChannel.channel.localAddress?.port ?? 0
        let limit = maximumBodySize
        let task = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await serverChannel.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask {
                                await Self.serve(connection, handler: handler, maximumBodySize: limit)
                            }
                        }
                    }
                } catch {
                    // The listening socket closed or failed: stop accepting; running connections finish or are cancelled.
                }
            }
        }
        state.withLock { $0 = Running(channel: serverChannel.channel, task: task, port: port) }
        return port
    }

    /// Stops listening, cancels the open connections and waits until everything is closed.
    public func stop() async {
        guard let running = state.withLock({ current -> Running? in
            let value = current
            current = nil
            return value
        }) else { return }
        try? await running.channel.close()
        running.task.cancel()
        await running.task.value
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        handler: Handler, maximumBodySize: Int
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body.clear()
                    tooLarge = false
                case .body(var chunk):
                    if body.readableBytes + chunk.readableBytes > maximumBodySize {
                        tooLarge = true
                    } else {
                        body.writeBuffer(&chunk)
                    }
                case .end:
                    guard let requestHead = head else { continue }
                    head = nil
                    let response: LoopbackHTTPResponse
                    if tooLarge {
                        response = .text(status: 413, "request body too large")
                    } else {
                        let target = requestHead.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
                        let request = LoopbackHTTPRequest(
                            method: requestHead.method.rawValue,
                            path: target.first.map(String.init) ?? "/",
                            query: target.count > 1 ? String(target[1]) : nil,
                            headers: requestHead.headers.map { (name: $0.name, value: $0.value) },
                            body: Data(body.readableBytesView)
                        )
                        response = await handler(request)
                    }
                    var headers = HTTPHeaders()
                    for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
                        headers.add(name: name, value: value)
                    }
                    headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
                    if !requestHead.isKeepAlive {
                        headers.replaceOrAdd(name: "Connection", value: "close")
                    }
                    let responseHead = HTTPResponseHead(
                        version: requestHead.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers
                    )
                    try await outbound.write(.head(responseHead))
                    if !response.body.isEmpty {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                    }
                    try await outbound.write(.end(nil))
                    if !requestHead.isKeepAlive { return }
                }
            }
        }
    }
}
