import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import PushProviders
import Synchronization

/// A local server that behaves like Apple Push Notification service: HTTP/2 over TLS (ALPN `h2`)
/// on 127.0.0.1, provider-token (JWT) authentication, Apple's request checks and error replies.
///
/// Create it with the provider key's public half, ``start()`` it, point an ``APNsConfiguration``
/// at ``baseURL`` with ``certificatePEM`` among its trust roots, and read back ``deliveries``.
/// Tests can script the answer for a device token (``script(token:_:times:)``) or refuse every
/// request with a credential error (``rejectAll(with:)``).
public final class APNsStandIn: Sendable {
    /// The certificate to trust, PEM encoded: a throw-away authority that issued the server's
    /// certificate for `localhost` and `127.0.0.1`. Put it in ``APNsConfiguration/trustRootsPEM``.
    public let certificatePEM: String
    private let certificate: APNsStandInCertificate
    private let core: APNsStandInCore
    private let group: any EventLoopGroup

    /// Creates a stopped stand-in.
    ///
    /// - Parameters:
    ///   - teamID: The team id provider tokens must carry as `iss`.
    ///   - keyID: The key id provider tokens must carry as `kid`.
    ///   - publicKey: The public half of the provider's signing key.
    ///   - topics: The bundle ids the key may push to (others get `TopicDisallowed`).
    ///   - issuesUniqueIDs: Whether `200` replies carry `apns-unique-id`, as Apple's sandbox does.
    ///   - eventLoopGroup: The event loops to serve on.
    ///   - now: The clock for the provider-token age rules.
    /// - Throws: When the certificate cannot be made.
    public init(
        teamID: String, keyID: String, publicKey: P256.Signing.PublicKey, topics: Set<String>,
        issuesUniqueIDs: Bool = false,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.certificate = try APNsStandInCertificate()
        self.certificatePEM = certificate.authorityPEM
        self.core = APNsStandInCore(
            teamID: teamID, keyID: keyID, publicKey: publicKey, topics: topics,
            issuesUniqueIDs: issuesUniqueIDs, now: now
        )
        self.group = eventLoopGroup
    }

    /// The port the server listens on, `nil` before ``start()``.
    public var port: Int? { core.state.withLock { $0.port } }

    /// `https://127.0.0.1:<port>`, the URL to configure as the provider's production and sandbox URL.
    /// Empty before ``start()``.
    public var baseURL: String { port.map { "https://127.0.0.1:\($0)" } ?? "" }

    /// Binds 127.0.0.1 on a free port and starts serving.
    public func start() async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: certificate.serverDER, format: .der))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificate.serverKeyPEM.utf8), format: .pem))
        )
        tls.applicationProtocols = ["h2"]
        let sslContext = try NIOSSLContext(configuration: tls)
        let core = self.core
        var http2Configuration = NIOHTTP2Handler.ConnectionConfiguration()
        http2Configuration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 1000),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 16 * 1024),
        ]
        let connectionConfiguration = http2Configuration
        let streamConfiguration = NIOHTTP2Handler.StreamConfiguration()

        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                core.connectionOpened(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLServerHandler(context: sslContext))
                    _ = try sync.configureHTTP2Pipeline(
                        mode: .server,
                        connectionConfiguration: connectionConfiguration,
                        streamConfiguration: streamConfiguration
                    ) { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandlers([
                                HTTP2FramePayloadToHTTP1ServerCodec(),
                                APNsStandInStreamHandler(core: core),
                            ])
                        }
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        core.state.withLock { state in
            state.serverChannel = channel
            state.port = channel.localAddress?.port
        }
    }

    /// Stops listening and closes every open connection.
    public func stop() async {
        let (server, connections) = core.state.withLock { state in
            let taken = (state.serverChannel, Array(state.connections.values))
            state.serverChannel = nil
            state.connections = [:]
            return taken
        }
        try? await server?.close()
        for connection in connections {
            try? await connection.close()
        }
    }

    /// Scripts the answer for requests to `token`: the next `times` requests (every request when
    /// `nil`) get `reply` instead of the normal handling. Scripts for one token queue up in order.
    public func script(token: String, _ reply: Reply, times: Int? = nil) {
        core.state.withLock { state in
            state.scripts[token, default: []].append(.init(reply: reply, remaining: times))
        }
    }

    /// Refuses every authenticated request with `reason` (e.g. ``APNsReason/invalidProviderToken``
    /// for a revoked key); `nil` ends that.
    public func rejectAll(with reason: APNsReason?) {
        core.state.withLock { $0.credentialRejection = reason }
    }

    /// Every notification accepted so far, in order.
    public var deliveries: [Delivery] { core.state.withLock { $0.deliveries } }

    /// How many notifications to `token` were accepted.
    public func deliveryCount(for token: String) -> Int {
        core.state.withLock { $0.deliveriesByToken[token] ?? 0 }
    }

    /// What the device with `token` shows: the notifications accepted for it, oldest first, where
    /// one with the same `apns-collapse-id` as an earlier one replaced it, as APNs merges them.
    /// A notification sent twice without a collapse id shows twice.
    public func shown(for token: String) -> [Delivery] {
        core.state.withLock { $0.shown[token] ?? [] }
    }

    /// How many requests arrived, whatever the answer.
    public var requestCount: Int { core.state.withLock { $0.requestCount } }

    /// The distinct provider-token `iat` values accepted, in the order first seen.
    public var providerTokenIssuedAts: [Int] { core.state.withLock { $0.issuedAtsSeen } }

    /// How many TCP connections were accepted since start.
    public var connectionCount: Int { core.state.withLock { $0.connectionCount } }
}
