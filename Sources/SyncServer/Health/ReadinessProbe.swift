import EventStore
import PostgresNIO

/// Whether this instance can take writes, asked of the database at most once per ``ttl``: the
/// answer is shared by every readiness check within that time (a load balancer may check every
/// second from several nodes), and checks that arrive while the database is being asked wait
/// for that one question.
///
/// Ready means: the database answers, it is not in recovery (a standby: `pg_is_in_recovery()`),
/// and the log status can be read.
actor ReadinessProbe {
    /// What the database said.
    enum Outcome: Sendable {
        /// Ready; the log's head and safe position.
        case ready(head: Int64, safePosition: Int64)
        /// The database is a standby: it cannot take writes.
        case inRecovery
        /// The database did not answer.
        case unreachable
    }

    private let store: EventStore
    private let ttl: Duration
    private var last: (outcome: Outcome, at: ContinuousClock.Instant)?
    private var asking: Task<Outcome, Never>?

    /// Creates a probe of `store`'s database whose answers last `ttl`.
    init(store: EventStore, ttl: Duration = .seconds(1)) {
        self.store = store
        self.ttl = ttl
    }

    /// The answer of the last `ttl`, or a fresh one.
    func check() async -> Outcome {
        if let last, ContinuousClock.now - last.at < ttl { return last.outcome }
        if let asking { return await asking.value }
        let store = store
        let task = Task { await Self.ask(store) }
        asking = task
        let outcome = await task.value
        asking = nil
        last = (outcome, .now)
        return outcome
    }

    /// Asks the database once. The recovery check is unqualified on purpose: it resolves to
    /// `pg_catalog.pg_is_in_recovery()` unless a test puts a schema before `pg_catalog` in the
    /// database's `search_path` (see `DrainTests`).
    private static func ask(_ store: EventStore) async -> Outcome {
        do {
            let rows = try await store.client.query("SELECT pg_is_in_recovery()", logger: store.logger)
            var inRecovery = false
            for try await value in rows.decode(Bool.self) { inRecovery = value }
            if inRecovery { return .inRecovery }
            let status = try await store.status()
            return .ready(head: status.head, safePosition: status.safePosition)
        } catch {
            return .unreachable
        }
    }
}
