import CoreMetrics
import EventStore
import Prometheus

/// The server's metrics: one Prometheus registry per application (no process-wide
/// `MetricsSystem.bootstrap`), and the recorders each part of the server gets, all made from one
/// factory over it. `GET /metrics` writes the registry out.
struct ServerMetrics: Sendable {
    /// What `/metrics` shows.
    let registry: PrometheusCollectorRegistry
    /// Makes every recorder; timers become histograms with buckets from 1 ms to 30 s.
    let factory: PrometheusMetricsFactory
    /// HTTP requests by route, method and status.
    let http: HTTPMetrics
    /// Sync pushes and pulls.
    let sync: SyncMetrics
    /// Appends and the connection pool.
    let store: EventStoreMetrics
    /// Password checks and refusals by limits.
    let auth: AuthMetrics
    /// Push sends.
    let push: PushMetrics
    /// Open live WebSockets, set at scrape time.
    private let liveSockets: CoreMetrics.Gauge

    /// The histogram buckets of every timer.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30),
    ]

    /// Creates the registry and every recorder; `poolSize` is the database pool's size.
    init(poolSize: Int) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
        http = HTTPMetrics(factory: factory)
        sync = SyncMetrics(factory: factory)
        store = EventStoreMetrics(factory: factory)
        auth = AuthMetrics(factory: factory)
        push = PushMetrics(factory: factory)
        liveSockets = CoreMetrics.Gauge(label: "tidemark_live_sockets", factory: factory)
        CoreMetrics.Gauge(label: "tidemark_db_pool_max_connections", factory: factory).record(poolSize)
    }

    /// Records the number of open live WebSockets.
    func liveSocketsOpen(_ count: Int) {
        liveSockets.record(count)
    }
}
