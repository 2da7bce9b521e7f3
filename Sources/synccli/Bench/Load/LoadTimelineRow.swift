/// One line of `synccli bench load --timeline FILE`: the figures of one second of the run, per kind
/// (only the kinds that had requests or samples in that second).
struct LoadTimelineRow: Codable, Sendable {
    /// Requests (or live samples), errors and latency percentiles of one kind in one second.
    struct Figures: Codable, Sendable {
        var requests: Int
        var errors: Int
        /// Of the requests that succeeded; absent when none did.
        var p50_ms: Double?
        var p99_ms: Double?
    }

    /// Seconds since the run started (the ramp-up starts at 0).
    var second: Int
    /// `ramp` (devices signing in), `measure` (the measured window) or `drain` (after it).
    var phase: String
    /// By kind: `login`, `refresh`, `connect`, `pull`, `push`, `live`.
    var kinds: [String: Figures]

    /// The row of `second` from its tallies.
    init(second: Int, phase: String, tallies: [LoadRequestKind: LoadTally]) {
        self.second = second
        self.phase = phase
        var kinds: [String: Figures] = [:]
        for (kind, tally) in tallies {
            let sorted = tally.latencies.sorted()
            kinds[kind.rawValue] = Figures(
                requests: tally.requests, errors: tally.errors,
                p50_ms: sorted.isEmpty ? nil : Percentile.round3(Percentile.of(sorted, 0.5)),
                p99_ms: sorted.isEmpty ? nil : Percentile.round3(Percentile.of(sorted, 0.99)))
        }
        self.kinds = kinds
    }
}
