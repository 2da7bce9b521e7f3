/// What the sign-ins of `synccli bench auth`'s storm got back, counted by kind, with the latency
/// of every successful one.
struct LoginOutcomes: Sendable {
    /// `200` answers: signed in.
    var succeeded = 0
    /// `503` answers: the server's password threads were full (``Commands/PasswordHasherError/busy``)
    /// or it was stopping. Each counts as a failed sign-in.
    var busy = 0
    /// `429` answers: the sign-in throttle refused the attempt.
    var rateLimited = 0
    /// Any other status, or no answer at all (a connection error or a client timeout).
    var other = 0
    /// Milliseconds each successful sign-in took, in no particular order.
    var latenciesMs: [Double] = []

    /// Every sign-in that did not succeed.
    var failed: Int { busy + rateLimited + other }

    /// Counts one answer: an HTTP status, or `nil` when none came.
    /// - Parameters:
    ///   - status: The status of the answer, `nil` for a transport error.
    ///   - milliseconds: How long the request took.
    mutating func record(status: Int?, milliseconds: Double) {
        switch status {
        case 200:
            succeeded += 1
            latenciesMs.append(milliseconds)
        case 503: busy += 1
        case 429: rateLimited += 1
        default: other += 1
        }
    }

    /// Adds the counts and latencies of `other`.
    mutating func merge(_ other: LoginOutcomes) {
        succeeded += other.succeeded
        busy += other.busy
        rateLimited += other.rateLimited
        self.other += other.other
        latenciesMs += other.latenciesMs
    }
}
