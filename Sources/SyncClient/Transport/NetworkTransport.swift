import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import SyncProtocol
import WSClient

/// The real transport: HTTP over AsyncHTTPClient, the live socket over WSClient.
public struct NetworkTransport: SyncTransport {
    /// The HTTP client (by default ``sharedClient``, which needs no shutdown).
    let client: HTTPClient
    /// The logger for the WebSocket client.
    let logger: Logger
    /// The largest response body accepted.
    let maximumBodySize: Int

    /// The HTTP client of every default transport in this process. Like `HTTPClient.shared`, it
    /// needs no shutdown; unlike it, a connection that cannot be made fails the request at once
    /// instead of being retried inside the connection pool until the request's deadline. The sync
    /// loop has its own back-off with jitter, and a device whose server is unreachable should learn
    /// it in milliseconds, not after 30 s per request.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Creates a transport.
    /// - Parameters:
    ///   - client: The HTTP client; its owner shuts it down (default: ``sharedClient``).
    ///   - logger: A logger for connection events.
    ///   - maximumBodySize: The largest response body accepted (default 64 MiB).
    public init(client: HTTPClient = NetworkTransport.sharedClient, logger: Logger = Logger(label: "tidemark.sync-client"), maximumBodySize: Int = 64 << 20) {
        self.client = client
        self.logger = logger
        self.maximumBodySize = maximumBodySize
    }

    /// Sends one request with a deadline of `request.timeout`.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var http = HTTPClientRequest(url: request.url)
        http.method = request.method == .get ? .GET : .POST
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        if let body = request.body {
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(request.timeout))
        do {
            let response = try await client.execute(http, deadline: deadline, logger: logger)
            let body = try await response.body.collect(upTo: maximumBodySize)
            var headers: [String: String] = [:]
            for header in response.headers { headers[header.name.lowercased()] = header.value }
            return TransportResponse(status: Int(response.status.code), headers: headers, body: Data(body.readableBytesView))
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw SyncClientError(.timeout, "\(request.method.rawValue) \(Self.path(of: request.url)) timed out", underlying: error)
        } catch {
            throw SyncClientError(
                .network, "\(request.method.rawValue) \(Self.path(of: request.url)) failed: the server could not be reached", underlying: error)
        }
    }

    /// Opens the live socket and forwards each ``LiveMessage`` until it closes; returns the
    /// server's close code and reason.
    public func live(url: String, headers: [String: String], onMessage: @escaping @Sendable (LiveMessage) async -> Void) async throws -> LiveClose? {
        var configuration = WebSocketClientConfiguration(autoPing: .enabled(timePeriod: .seconds(30)))
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { configuration.additionalHeaders[field] = value }
        }
        do {
            let frame = try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message,
                        let decoded = try? JSONDecoder().decode(LiveMessage.self, from: Data(text.utf8))
                    else { continue }
                    await onMessage(decoded)
                }
            }
            return frame.map { LiveClose(code: Self.number(of: $0.closeCode), reason: $0.reason) }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SyncClientError(.network, "the live connection to \(Self.path(of: url)) failed or closed", underlying: error)
        }
    }

    /// The number of a WebSocket close code.
    static func number(of code: WebSocketErrorCode) -> Int {
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: code)
        return buffer.readInteger(as: UInt16.self).map(Int.init) ?? 0
    }

    /// A duration in whole nanoseconds (saturating).
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : product + attoseconds / 1_000_000_000
    }

    /// The path of a URL for messages (no query: it may hold a cursor or a token).
    static func path(of url: String) -> String {
        String(url.prefix { $0 != "?" })
    }
}
