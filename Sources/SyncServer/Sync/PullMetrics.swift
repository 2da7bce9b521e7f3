import CoreMetrics

/// Pull metrics, made from an explicit factory (no global bootstrap):
/// `tidemark_pull_pages_total{source}` (pages answered, by ``ReadSource``) and
/// `tidemark_pull_standby_fallbacks_total{reason}` (pages read from the primary although a standby
/// is configured: `behind` (the standby had not replayed what the cursor has seen), `old_cursor`
/// (a cursor without a WAL mark, from a build before standby reads), `failed` (an error or the
/// timeout) and `paused` (skipped after a recent failure)).
public struct PullMetrics: Sendable {
    private let factory: any MetricsFactory

    /// Creates metrics recorded through `factory` (by default, nowhere).
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    /// Counts one page answered from `source`.
    func pageServed(from source: ReadSource) {
        Counter(label: "tidemark_pull_pages_total", dimensions: [("source", source.rawValue)], factory: factory).increment()
    }

    /// Counts one page read from the primary instead of the configured standby.
    func fellBack(_ reason: StandbyFallback) {
        Counter(label: "tidemark_pull_standby_fallbacks_total", dimensions: [("reason", reason.rawValue)], factory: factory).increment()
    }
}
