import SyncProtocol

/// One pull answer as ``APIClient`` read it: the page, and where its time went (``PullTimings``
/// without `write`, which the replica adds).
struct PulledPage: Sendable {
    /// The page.
    var page: PullResponse
    /// Server query and encoding (from `Server-Timing`), transfer and decoding.
    var timings: PullTimings
}
