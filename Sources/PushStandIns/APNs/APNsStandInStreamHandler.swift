import NIOCore
import NIOHTTP1
import NIOHTTP2

/// Handles one HTTP/2 stream (one request) of an ``APNsStandIn`` connection, behind
/// `HTTP2FramePayloadToHTTP1ServerCodec`.
final class APNsStandInStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: APNsStandInCore
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(core: APNsStandInCore) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var buffer):
            if body == nil {
                body = buffer
            } else {
                body?.writeBuffer(&buffer)
            }
        case .end:
            guard let head else { return }
            let request = APNsStandInRequest(
                method: head.method, path: head.uri, headers: head.headers,
                body: body ?? context.channel.allocator.buffer(capacity: 0)
            )
            process(request, consultScript: true, context: context)
        }
    }

    private func process(_ request: APNsStandInRequest, consultScript: Bool, context: ChannelHandlerContext) {
        switch core.handle(request, consultScript: consultScript) {
        case .respond(let status, var headers, let body):
            headers.add(name: "content-length", value: String(body.utf8.count))
            let head = HTTPResponseHead(version: .http2, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if !body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .delay(let amount):
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: amount) {
                let (handler, context) = loopBound.value
                handler.process(request, consultScript: false, context: context)
            }
        case .goAway(let processed):
            guard let connection = context.channel.parent else {
                context.close(promise: nil)
                return
            }
            let frame = HTTP2Frame(
                streamID: .rootStream,
                payload: .goAway(
                    lastStreamID: Self.lastStreamID(for: context.channel, processed: processed), errorCode: .noError,
                    opaqueData: connection.allocator.buffer(string: #"{"reason":"Shutdown"}"#)
                )
            )
            connection.writeAndFlush(frame).whenComplete { _ in
                connection.close(promise: nil)
            }
        }
    }

    /// The last stream id of a GOAWAY sent while handling the stream `channel`: that stream when
    /// it was processed, else the client stream before it (client streams are odd, two apart).
    private static func lastStreamID(for channel: any Channel, processed: Bool) -> HTTP2StreamID {
        guard let streamID = try? channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID) else { return .rootStream }
        if processed { return streamID }
        let previous = Int32(Int(streamID)) - 2
        return previous > 0 ? HTTP2StreamID(previous) : .rootStream
    }
}
