/// What every simulated device of a load test shares: where to sign in, how to pace itself.
struct LoadPlan: Sendable {
    /// The tenant the bench created.
    let tenantCode: String
    /// Every device user's password.
    let password: String
    /// The mean think time between a device's cycles; each wait is drawn uniformly from half to
    /// one and a half times it.
    let interval: Duration
    /// The chance, per cycle, that a device closes its live socket and opens a new one.
    let reconnectProbability: Double
    /// `ws://…/v1/sync/live` (or `wss://`) of the target.
    let liveURL: String
}
