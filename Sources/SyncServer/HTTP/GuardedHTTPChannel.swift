import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOHTTP1

/// A server child channel that sets up `base` (an HTTP/1.1 channel) and then puts a
/// ``ConnectionGuard`` right behind its HTTP decoder, so the guard sees every request head
/// first, including the one that may upgrade to a WebSocket.
///
/// Hummingbird's `additionalChannelHandlers` come too late for that: the WebSocket upgrade channel
/// adds them only after the first request head has been read.
///
/// It also binds the server's metrics factory (task-locally) while the connection is handled, so
/// metrics a library makes there through swift-metrics' default factory land in this server's
/// Prometheus registry, without a process-wide `MetricsSystem.bootstrap` (the server's own HTTP
/// metrics, ``HTTPMetricsMiddleware``, use the factory explicitly).
struct GuardedHTTPChannel<Base: ServerChildChannel>: ServerChildChannel {
    /// The channel that builds the HTTP pipeline and handles requests.
    let base: Base
    /// The limits the guard enforces.
    let limits: ConnectionLimits
    /// Where the metrics of the connection's requests are made.
    let metrics: any MetricsFactory

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        let limits = limits
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(ConnectionGuard(limits: limits, logger: logger), position: .after(decoder))
            return value
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await withMetricsFactory(metrics) {
            await base.handle(value: value, logger: logger)
        }
    }
}
