/// Requests, errors and latencies (milliseconds, of answered requests only) of one kind of load-test
/// figure, over some stretch of the run.
struct LoadTally: Sendable {
    /// Requests made (or live samples taken), errors included.
    var requests = 0
    /// Requests that failed: no answer, 5xx, 429 or another unexpected status (live: a missed poke).
    var errors = 0
    /// Latencies of the requests that succeeded, in milliseconds, in arrival order.
    var latencies: [Double] = []

    /// Counts one request.
    mutating func add(latency: Double?, error: Bool) {
        requests += 1
        if error { errors += 1 }
        if let latency, !error { latencies.append(latency) }
    }

    /// Adds another tally's figures.
    mutating func merge(_ other: LoadTally) {
        requests += other.requests
        errors += other.errors
        latencies += other.latencies
    }

    /// The `p` quantile of the latencies (0 when there are none).
    func percentile(_ p: Double) -> Double {
        Percentile.of(latencies.sorted(), p)
    }
}
