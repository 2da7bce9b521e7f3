import CoreMetrics
import EventStore
import Foundation
import Logging
import Projections
import ServiceLifecycle
import Synchronization

/// Reads, every `interval`, what only the database knows and sets gauges from it, so a scrape of
/// `/metrics` never waits for PostgreSQL:
/// - the log: `tidemark_log_head_position`, `tidemark_log_safe_position`,
///   `tidemark_log_safe_lag_events` (committed events that readers cannot take yet, behind the
///   oldest open transaction), `tidemark_log_oldest_transaction_seconds`, `tidemark_log_stalled`;
/// - each projection (`projection` label): `tidemark_projection_lag_events` (events of its types
///   after its checkpoint), `tidemark_projection_lag_seconds` (how long the oldest of them has
///   waited; 0 when caught up), `tidemark_projection_failed` (1 when it stopped at an event);
/// - rebuilds in progress: `tidemark_projection_rebuild_active` (1 while a process rebuilds it),
///   `tidemark_projection_rebuild_events_applied` and `tidemark_projection_rebuild_lag_events`
///   (events it has left);
/// - `tidemark_metrics_sample_timestamp_seconds` (the last successful sample, Unix time) and
///   `tidemark_metrics_sample_failures_total`.
///
/// The figures are the database's, so every instance reports the same ones. When a sample fails
/// (the database is down) the gauges keep their last values and the timestamp stops moving.
struct MetricsSampler: Service {
    let store: EventStore
    let admin: ProjectionAdmin
    let interval: Duration
    let factory: any MetricsFactory
    let logger: Logger

    func run() async throws {
        let gauges = Gauges(factory: factory)
        do {
            try await cancelWhenGracefulShutdown {
                var failing = false
                while true {
                    // First one interval: at start the server may still be migrating the database.
                    try await Task.sleep(for: interval)
                    do {
                        try await sample(into: gauges)
                        if failing { logger.notice("metrics sampling works again") }
                        failing = false
                    } catch {
                        // Stopping: the query in flight was cancelled, whatever error it became.
                        if Task.isCancelled || error is CancellationError { throw CancellationError() }
                        gauges.failures.increment()
                        if !failing {
                            logger.warning(
                                "metrics sampling failed; the log and projection gauges keep their last values",
                                metadata: ["error": "\(String(reflecting: error))"])
                        }
                        failing = true
                    }
                }
            }
        } catch is CancellationError {
            // Stopped with the server.
        }
    }

    /// Reads the log status and every projection's status once.
    func sample(into gauges: Gauges) async throws {
        let log = try await store.status()
        gauges.head.record(log.head)
        gauges.safe.record(log.safePosition)
        gauges.safeLag.record(log.eventsBehindHorizon)
        gauges.oldestTransaction.record(log.openTransactions.map(\.ageSeconds).max() ?? 0)
        gauges.stalled.record(log.stalled ? 1 : 0)
        for status in try await admin.status() {
            let projection = gauges.projection(status.name)
            projection.lagEvents.record(status.lagEvents)
            projection.lagSeconds.record(status.lagSeconds)
            projection.failed.record(status.state == "failed" ? 1 : 0)
            projection.rebuildActive.record(status.rebuild?.active == true ? 1 : 0)
            projection.rebuildApplied.record(status.rebuild?.eventsApplied ?? 0)
            projection.rebuildLag.record(status.rebuild?.lagEvents ?? 0)
        }
        gauges.sampledAt.record(Date().timeIntervalSince1970)
    }

    /// The sampler's gauges (one set per projection, made on first sight).
    final class Gauges: Sendable {
        let head: Gauge
        let safe: Gauge
        let safeLag: Gauge
        let oldestTransaction: Gauge
        let stalled: Gauge
        let sampledAt: Gauge
        let failures: Counter
        private let factory: any MetricsFactory
        private let projections = Mutex<[String: ProjectionGauges]>([:])

        init(factory: any MetricsFactory) {
            self.factory = factory
            head = Gauge(label: "tidemark_log_head_position", factory: factory)
            safe = Gauge(label: "tidemark_log_safe_position", factory: factory)
            safeLag = Gauge(label: "tidemark_log_safe_lag_events", factory: factory)
            oldestTransaction = Gauge(label: "tidemark_log_oldest_transaction_seconds", factory: factory)
            stalled = Gauge(label: "tidemark_log_stalled", factory: factory)
            sampledAt = Gauge(label: "tidemark_metrics_sample_timestamp_seconds", factory: factory)
            failures = Counter(label: "tidemark_metrics_sample_failures_total", factory: factory)
        }

        func projection(_ name: String) -> ProjectionGauges {
            projections.withLock { projections in
                if let existing = projections[name] { return existing }
                let made = ProjectionGauges(name: name, factory: factory)
                projections[name] = made
                return made
            }
        }
    }

    /// One projection's gauges.
    struct ProjectionGauges: Sendable {
        let lagEvents: Gauge
        let lagSeconds: Gauge
        let failed: Gauge
        let rebuildActive: Gauge
        let rebuildApplied: Gauge
        let rebuildLag: Gauge

        init(name: String, factory: any MetricsFactory) {
            let dimensions = [("projection", name)]
            lagEvents = Gauge(label: "tidemark_projection_lag_events", dimensions: dimensions, factory: factory)
            lagSeconds = Gauge(label: "tidemark_projection_lag_seconds", dimensions: dimensions, factory: factory)
            failed = Gauge(label: "tidemark_projection_failed", dimensions: dimensions, factory: factory)
            rebuildActive = Gauge(label: "tidemark_projection_rebuild_active", dimensions: dimensions, factory: factory)
            rebuildApplied = Gauge(label: "tidemark_projection_rebuild_events_applied", dimensions: dimensions, factory: factory)
            rebuildLag = Gauge(label: "tidemark_projection_rebuild_lag_events", dimensions: dimensions, factory: factory)
        }
    }
}
