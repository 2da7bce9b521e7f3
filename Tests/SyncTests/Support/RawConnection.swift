import EventStore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A plain TCP connection to a test server (NIO's `ClientBootstrap`, no HTTP client): the test
/// writes bytes of its choosing, and sees every byte the server sends and whether it closed.
final class RawConnection: Sendable {
    private let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    /// Connects to `127.0.0.1:port`.
    static func connect(port: Int) async throws -> RawConnection {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawConnection(channel: channel, collector: collector)
    }

    /// Writes `text`. A write the server cut off by closing is not an error here: what the server
    /// answered before is what the tests look at.
    func send(_ text: String) async {
        try? await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// Writes `bytes` bytes of header fields (`X-Pad-N: aaa…` lines of about 1 KB).
    func sendHeaderFields(bytes: Int) async {
        var fields = ""
        var line = 0
        while fields.utf8.count < bytes {
            fields += "X-Pad-\(line): " + String(repeating: "a", count: 1000) + "\r\n"
            line += 1
        }
        await send(fields)
    }

    /// Everything the server sent so far, as text.
    var received: String { collector.text }

    /// Waits until the server closed the connection; `false` when it still had not after `limit`
    /// (a guard against a hang, not a measurement).
    func closedByServer(within limit: Duration = .seconds(60)) async -> Bool {
        let closeFuture = channel.closeFuture
        return await Deadline.run(timeout: limit) { (try? await closeFuture.get()) != nil } != nil
    }

    /// Waits until the server sent something that contains `marker`; `false` after `limit`.
    func receive(_ marker: String, within limit: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if received.contains(marker) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return received.contains(marker)
    }

    /// Closes the connection from this side.
    func close() async {
        try? await channel.close()
    }

    /// Collects the bytes the server sends.
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let bytes = NIOLockedValueBox<[UInt8]>([])

        var text: String { String(decoding: bytes.withLockedValue { $0 }, as: UTF8.self) }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            bytes.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
        }
    }
}
