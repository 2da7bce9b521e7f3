import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics`: the server's Prometheus metrics in the text exposition format.
///
/// Unauthenticated, like most scrape targets: expose it only on the internal network. Every
/// metric is listed in docs/operations.md (Metrics); docs/dashboards/tidemark.json charts them.
struct MetricsController: Sendable {
    /// The registry the server's metrics are recorded in.
    let registry: PrometheusCollectorRegistry
    /// Sets the gauges read at scrape time (the live sockets) before the registry is written out.
    var beforeScrape: @Sendable () async -> Void = {}

    /// Adds the route.
    func addRoutes(to router: Router<SyncRequestContext>) {
        router.get("metrics") { _, _ -> Response in
            await beforeScrape()
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
