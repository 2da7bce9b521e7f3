/// What a drill found once the replicas settled.
struct DrillOutcome: Sendable {
    /// Mutations the writers queued (every one must be applied exactly once).
    var mutations = 0
    /// Queued mutations with no event in the log.
    var lost = 0
    /// Events beyond the first of a mutation.
    var duplicated = 0
    /// Rejections the replicas reported.
    var rejections: [String] = []
    /// Replicas whose todos differ from the read model.
    var divergentReplicas = 0
    /// Deliveries the outbox marked sent.
    var deliveries = 0
    /// Deliveries in another final state (failed, dead, …).
    var deliveriesNotSent = 0
    /// Sent deliveries the webhook never received.
    var deliveriesMissing = 0
    /// Deliveries the webhook received twice (allowed: sent once more after a failure).
    var deliveriesTwice = 0
    /// Deliveries received more than twice (never allowed).
    var deliveriesMoreThanTwice = 0
    /// Replicas whose live loop did not return within 10 s of being cancelled.
    var stuckLiveLoops = 0
}
