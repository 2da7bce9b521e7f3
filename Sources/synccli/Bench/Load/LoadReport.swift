/// The figures of `synccli bench load`: its final JSON line. Requests, errors and percentiles count
/// the measured window only (after every device signed in); sign-ins are reported on their own.
struct LoadReport: Codable, Sendable {
    var devices: Int
    var seconds: Int
    /// HTTP requests of the devices in the measured window: pulls (one per page), pushes, refreshes,
    /// WebSocket upgrades, and sign-ins that fell in it.
    var requests: Int
    /// Of those, the ones that failed (no answer, 5xx, 429, another unexpected status), plus live
    /// misses and live sockets that dropped.
    var errors: Int
    var error_rate: Double
    var push_p50_ms: Double
    var push_p99_ms: Double
    var pull_p99_ms: Double
    /// From a push's answer to the poke on the user's other device (see `LoadLiveSocket`).
    var live_p99_ms: Double
    /// Peak resident memory (`VmHWM`) of the server started by the bench, or the sum over the
    /// `--server-pid`s; absent when unknown.
    var server_rss_mb: Double?
    /// Answered mutations whose events are not in the log at the positions the answer named.
    var lost: Int
    /// Mutations with events from more than one command, or events their answer did not name.
    var duplicated: Int

    var target: String
    var interval_ms: Int
    var ramp_seconds: Int
    /// Seconds between the last sign-in and the measured window.
    var warmup_seconds: Int
    var requests_per_s: Double
    var pushes: Int
    var pulls: Int
    var pull_p50_ms: Double
    var live_p50_ms: Double
    var live_samples: Int
    var live_missed: Int
    var connects: Int
    var socket_errors: Int
    var logins: Int
    var login_errors: Int
    var login_p50_ms: Double
    var login_p99_ms: Double
    /// Mutations pushed over the whole run, answered ones, rejected ones, and ones still unanswered
    /// at the end (after one last retry).
    var mutations: Int
    var mutations_answered: Int
    var mutations_rejected: Int
    var mutations_unanswered: Int
    var errors_by_kind: [String: Int]
}
