/// One mutation a simulated device pushed, and what the server answered, for the check of the log
/// at the end of a load test.
struct LoadLedgerEntry: Sendable {
    /// The command idempotency key the server writes into the events' metadata (`mutation`):
    /// `m2:<tenant>:<user>:<device>:<mutation id>`.
    let key: String
    /// The log positions the answer named: empty for a rejection or an effect that already held;
    /// `nil` while the mutation has no answer (its push failed and was not retried successfully).
    var positions: [Int64]?
}
