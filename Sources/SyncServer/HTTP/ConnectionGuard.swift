import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1

/// Guards one HTTP/1.1 connection against slow and oversized request heads, right behind the HTTP
/// decoder (before the WebSocket upgrade handler and Hummingbird's request handling).
///
/// - A head larger than ``ConnectionLimits/maxHeaderBytes`` (the decoder stops at that size) is
///   answered `431 headers_too_large`; other bytes that are not HTTP, `400 invalid`.
/// - A head that started but is incomplete after ``ConnectionLimits/headerTimeout`` is answered
///   `408 request_timeout`.
/// - A connection with no request for ``ConnectionLimits/idleTimeout`` is closed without an answer.
/// - A WebSocket upgrade without a usable `Sec-WebSocket-Key` or `Sec-WebSocket-Version: 13` is
///   answered `400 invalid` (NIO's upgrader would refuse it without a word); an `Upgrade` to any
///   other protocol is removed, so the request is served as plain HTTP. The HTTP decoder reads
///   nothing after a request it took as an upgrade, so such an answer carries `Connection: close`
///   and the connection closes once it is out.
///
/// Without it, a head over the decoder's limit on a fresh connection got no answer at all (the
/// upgrade handler swallows the error) and a head that never completed held its connection open
/// for good. After a refusal the connection is closed for writing, and input is read and dropped
/// for a moment, so the client can read the answer before the socket closes (closing with unread
/// input would reset the connection and lose the answer). The guard leaves the pipeline once a
/// WebSocket upgrade is answered `101`. Decisions are made by ``ConnectionGuardState``.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let limits: ConnectionLimits
    private let logger: Logger
    private var state: ConnectionGuardState
    private var timer: (deadline: NIODeadline, task: Scheduled<Void>)?
    /// Whether the handlers behind were told that no more input comes.
    private var toldInputClosed = false

    /// Creates the guard of one connection.
    init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
        self.state = ConnectionGuardState(limits: limits, now: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        state = ConnectionGuardState(limits: limits, now: .now())
        syncTimer(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        state.finish()
        cancelTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.finish()
        cancelTimer()
        tellInputClosed(context: context)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        let action: ConnectionGuardState.PartAction
        switch part {
        case .head(let head):
            if let refusal = WebSocketHandshake.refusal(for: head) {
                perform(state.fail(refusal), context: context)
                return
            }
            if state.readHead(upgrade: WebSocketHandshake.decoderStopsAfter(head)) == .forward {
                context.fireChannelRead(wrapInboundOut(.head(WebSocketHandshake.ignoringOtherUpgrades(head))))
            }
            syncTimer(context: context)
            return
        case .body:
            action = state.readBodyPart(isEnd: false, now: .now())
        case .end:
            action = state.readBodyPart(isEnd: true, now: .now())
        }
        syncTimer(context: context)
        if action == .forward { context.fireChannelRead(data) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        state.readComplete(now: .now())
        syncTimer(context: context)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case HTTPParserError.headerOverflow:
            handle(decoderError: error, refusal: .headersTooLarge(limit: limits.maxHeaderBytes), context: context)
        case is HTTPParserError:
            handle(decoderError: error, refusal: .malformed, context: context)
        case ByteToMessageDecoderError.dataReceivedInErrorState:
            // The rest of a refused request; the decoder already failed once.
            break
        default:
            context.fireErrorCaught(error)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .lingering = state.phase, event as? ChannelEvent == .inputClosed {
            // The client read the refusal and closed its side.
            perform(.close, context: context)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            perform(state.quiesce(), context: context)
        }
        if event as? ChannelEvent == .inputClosed {
            guard !toldInputClosed else { return }
            toldInputClosed = true
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status == .switchingProtocols:
            // A WebSocket from here on: frames, not HTTP parts, so the guard steps aside. The
            // upgrader wrote the answer with writeAndFlush, whose flush would reach this handler
            // after it left the pipeline and go nowhere: flush here first.
            context.write(data, promise: promise)
            context.flush()
            state.finish()
            cancelTimer()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .head(var head) where state.closesAfterAnswers:
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            let action = state.wroteEnd(now: .now())
            guard case .closeAfterWrite = action else {
                context.write(data, promise: promise)
                return perform(action, context: context)
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in self.close(context: context) }
        case .head, .body:
            context.write(data, promise: promise)
        }
    }

    // MARK: - Acting on decisions

    private func handle(decoderError error: any Error, refusal: ConnectionRefusal, context: ChannelHandlerContext) {
        let action = state.fail(refusal)
        if case .passOn = action {
            context.fireErrorCaught(error)
        } else {
            perform(action, context: context)
        }
    }

    private func perform(_ action: ConnectionGuardState.Action, context: ChannelHandlerContext) {
        switch action {
        case .none, .passOn, .closeAfterWrite:
            break
        case .refuse(let refusal):
            refuse(refusal, context: context)
        case .closeQuietly:
            logger.debug("closing an idle HTTP connection")
            close(context: context)
        case .close:
            close(context: context)
        }
        syncTimer(context: context)
    }

    private func refuse(_ refusal: ConnectionRefusal, context: ChannelHandlerContext) {
        cancelTimer()
        logger.debug(
            "refusing an HTTP request below the router",
            metadata: [
                "http.status": "\(refusal.problem.status.code)", "problem.code": "\(refusal.problem.code)",
            ])
        let (head, body) = refusal.parts()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        state.refused(now: .now())
        written.assumeIsolated().whenComplete { _ in
            // Half-close: the client sees the end of the answer, while its remaining input is
            // still read (and dropped) until it closes too or the linger time ends.
            context.close(mode: .output, promise: nil)
        }
    }

    private func close(context: ChannelHandlerContext) {
        state.finish()
        cancelTimer()
        tellInputClosed(context: context)
        context.close(promise: nil)
    }

    /// Tells the handlers behind that no more input comes (once): Hummingbird's request loop ends,
    /// and the upgrade handler, when it still waits for a first request, gives up quietly instead of
    /// logging an error as the channel closes under it (NIO closes a half-closed channel at the
    /// peer's end of input without an input-closed event).
    private func tellInputClosed(context: ChannelHandlerContext) {
        guard !toldInputClosed else { return }
        toldInputClosed = true
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }

    /// Keeps the one timer at the state's deadline (or none).
    private func syncTimer(context: ChannelHandlerContext) {
        guard let deadline = state.deadline else { return cancelTimer() }
        if timer?.deadline == deadline { return }
        cancelTimer()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timer = nil
            self.perform(self.state.timerFired(now: .now()), context: context)
        }
        timer = (deadline, task)
    }

    private func cancelTimer() {
        timer?.task.cancel()
        timer = nil
    }
}
