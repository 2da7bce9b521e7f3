/// Latencies of successful pulls and the number of failed ones.
struct PullSamples: Sendable {
    /// Milliseconds each `200` pull took.
    var latenciesMs: [Double] = []
    /// Pulls answered otherwise, or not at all.
    var errors = 0
}
