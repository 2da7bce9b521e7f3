import CoreMetrics
import PostgresNIO
import Synchronization

/// What an ``EventStore`` records about its appends and the connections it leases, through an
/// explicit swift-metrics factory (no process-wide `MetricsSystem` bootstrap). The default,
/// ``none``, records nothing, so the store depends on no metrics backend.
///
/// - `tidemark_event_store_appends_total{outcome}`: append calls (``EventStore/append(to:expected:events:)``,
///   ``EventStore/append(_:)``) and transactions that appended (``EventStore/transaction(_:)``),
///   by `outcome`: `written`, `replayed` (every event was stored already), `refused` (a version
///   conflict, a duplicate event id, invalid input, or a transaction's own code rolled it back)
///   or `failed` (the database failed).
/// - `tidemark_event_store_appended_events_total`: events committed by those appends.
/// - `tidemark_event_store_append_duration_seconds`: histogram of the time from the call to the
///   commit (to the failure), every outcome.
/// - `tidemark_db_pool_in_use`, `tidemark_db_pool_waiting` (gauges) and
///   `tidemark_db_pool_wait_seconds` (histogram): connections leased through
///   ``withConnection(from:_:)`` (so ``EventStore/withConnection(_:)`` and
///   ``EventStore/transaction(_:)``), and callers waiting for one. postgres-nio 1.33.2 has no public hook into its pool, so single statements sent
///   with `PostgresClient.query` or `execute` (which lease inside the driver) are not counted.
public struct EventStoreMetrics: Sendable {
    /// How an append ended.
    public enum Outcome: String, Sendable, CaseIterable {
        /// Committed.
        case written
        /// Every event was stored already: nothing was written, the original answer returned.
        case replayed
        /// Refused: a version conflict, a duplicate event id, invalid input, or a transaction's own
        /// code rolled it back.
        case refused
        /// The database failed.
        case failed
    }

    private let appends: [Outcome: Counter]
    private let appendedEvents: Counter
    private let appendDuration: CoreMetrics.Timer
    private let poolInUse: Meter
    private let poolWaiting: Meter
    private let poolWait: CoreMetrics.Timer

    /// Creates metrics recorded through `factory`.
    public init(factory: any MetricsFactory) {
        var appends: [Outcome: Counter] = [:]
        for outcome in Outcome.allCases {
            appends[outcome] = Counter(label: "tidemark_event_store_appends_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        self.appends = appends
        self.appendedEvents = Counter(label: "tidemark_event_store_appended_events_total", factory: factory)
        self.appendDuration = CoreMetrics.Timer(label: "tidemark_event_store_append_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        self.poolInUse = Meter(label: "tidemark_db_pool_in_use", factory: factory)
        self.poolWaiting = Meter(label: "tidemark_db_pool_waiting", factory: factory)
        self.poolWait = CoreMetrics.Timer(label: "tidemark_db_pool_wait_seconds", preferredDisplayUnit: .seconds, factory: factory)
    }

    /// Records nothing.
    public static let none = EventStoreMetrics(factory: NOOPMetricsHandler.instance)

    /// Records one append that ended with `outcome` after `duration`, having committed `events` events.
    func appended(_ outcome: Outcome, events: Int, duration: Duration) {
        appends[outcome]?.increment()
        if events > 0 { appendedEvents.increment(by: Int64(events)) }
        appendDuration.record(duration: duration)
    }

    /// Records one append that threw `error` after `duration`.
    func appendFailed(_ error: any Error, duration: Duration) {
        let outcome: Outcome
        switch error {
        case let error as EventStoreError: outcome = error.code == .database ? .failed : .refused
        case is PSQLError, is PostgresTransactionError, is CancellationError: outcome = .failed
        // An error of a transaction's own code: it rolled the transaction back.
        default: outcome = .refused
        }
        appended(outcome, events: 0, duration: duration)
    }

    /// Leases a connection of `client` for `body`, counting the caller as waiting until it has
    /// one, the wait, and then the connection as in use until `body` returns.
    public func withConnection<Result: Sendable>(
        from client: PostgresClient, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let start = ContinuousClock.now
        let state = LeaseState()
        poolWaiting.increment()
        defer {
            if state.end() == .leased { poolInUse.decrement() } else { poolWaiting.decrement() }
        }
        return try await client.withConnection { connection in
            if state.lease() {
                poolWaiting.decrement()
                poolWait.record(duration: ContinuousClock.now - start)
                poolInUse.increment()
            }
            return try await body(connection)
        }
    }

    /// Where one lease stands, so each gauge is decremented exactly once.
    private final class LeaseState: Sendable {
        enum Stage { case waiting, leased, ended }
        private let stage = Mutex(Stage.waiting)

        /// Marks the connection leased; `false` when it already was (or the lease ended).
        func lease() -> Bool {
            stage.withLock { stage in
                guard stage == .waiting else { return false }
                stage = .leased
                return true
            }
        }

        /// Ends the lease and tells where it stood.
        func end() -> Stage {
            stage.withLock { stage in
                defer { stage = .ended }
                return stage
            }
        }
    }
}

extension CoreMetrics.Timer {
    /// Records a `Duration` (swift-metrics takes nanoseconds).
    func record(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }
}
