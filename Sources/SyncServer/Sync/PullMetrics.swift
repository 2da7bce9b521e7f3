import CoreMetrics

/// Standby-read metrics, made from an explicit factory (no global bootstrap):
/// `tidemark_pull_standby_fallbacks_total{reason}` (pages read from the primary although a standby
/// is configured: `behind` (the standby had not replayed what the cursor has seen), `old_cursor`
/// (a cursor without a WAL mark, from a build before standby reads), `failed` (an error or the
/// timeout) and `paused` (skipped after a recent failure)).
public struct PullMetrics: Sendable {
    private let factory: any MetricsFactory

    /// Creates metrics recorded through `factory` (by default, nowhere).
    /// Every reason's counter exists from the start (at 0), so a dashboard finds the family.
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        for reason in StandbyFallback.allCases {
            _ = Counter(label: "tidemark_pull_standby_fallbacks_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
    }

    /// Counts one page read from the primary instead of the configured standby.
    func fellBack(_ reason: StandbyFallback) {
        Counter(label: "tidemark_pull_standby_fallbacks_total", dimensions: [("reason", reason.rawValue)], factory: factory).increment()
    }
}
