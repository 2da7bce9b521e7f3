import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Metrics

extension HTTPServerBuilder {
    /// HTTP/1.1 with WebSocket upgrades (Hummingbird's `http1WebSocketUpgrade`), with the decoder's
    /// header limit set from `limits` and a ``ConnectionGuard`` on every connection.
    /// - Parameters:
    ///   - webSocketRouter: The router that decides WebSocket upgrades.
    ///   - webSocket: The WebSocket settings.
    ///   - limits: Header size, header timeout and idle timeout.
    ///   - metrics: The factory of the metrics recorded while connections are handled.
    /// - Returns: The server builder for `Application`.
    static func guardedHTTP1WebSocketUpgrade(
        webSocketRouter: Router<SyncRequestContext>, webSocket: WebSocketServerConfiguration, limits: ConnectionLimits,
        metrics: any MetricsFactory
    ) -> HTTPServerBuilder {
        let webSocketResponder = webSocketRouter.buildResponder()
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes
        )
        // No idle timeout of Hummingbird's: the guard times connections, from their first byte.
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: HTTP1Channel.Configuration(idleTimeout: nil, httpDecoderConfiguration: decoder),
            ws: webSocket
        )
        return HTTPServerBuilder { responder in
            GuardedHTTPChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                limits: limits, metrics: metrics
            )
        }
    }
}
