import Logging
import PostgresNIO

/// Lets concurrent single-stream appends share one statement and one commit.
///
/// What this process has in flight is bound by ``AppendInFlight``: a few statements of any size,
/// then, up to ``AppendInFlight/statementLimit``, only statements that carry enough events while
/// few enough events are in flight. An append that arrives while nothing waits and the bound
/// admits it runs at once, in its caller's task, as the plain single-stream statement. Other
/// appends wait; whenever a statement ends or an append arrives, the waiting appends that the
/// bound admits go out together (one per stream, up to ``AppendInFlight/eventsPerStatement``
/// events) in one ``CoalescedAppendStatement``. Under load, 32 writers of one event each then pay
/// for a few round trips and commits instead of 32, 8 writers do not split into statements of two,
/// and writers of large batches do not crowd the server.
///
/// The coalescer only ever takes the fast path. A lone append's outcome, written or refused, goes
/// back to the caller as it is. An append that its group did not write (a failed expectation, a
/// lost race, an event id that is already stored: the group cannot tell which) is handed back as
/// ``Verdict/individually`` and the caller runs it on its own, with every rule and error message
/// of a plain append. Each append is atomic on its own; appends of one group also commit together.
/// Cancelling a caller does not withdraw its queued append: like a statement already sent, it
/// runs, and the caller's retry with the same event ids returns the stored result.
actor AppendCoalescer {
    /// One append waiting for a statement.
    struct Request: Sendable {
        var stream: StreamName
        var expected: ExpectedVersion
        var batch: PreparedBatch
    }

    /// What became of one append.
    enum Verdict: Sendable {
        /// The append's own outcome: written (alone or by its group), or refused when it ran alone.
        case outcome(AppendStatement.Outcome)
        /// Not written by its group: run it on its own.
        case individually
        /// The plain statement of a lone append failed; nothing more is tried.
        case failed(EventStoreError)
    }

    private struct Waiter {
        var request: Request
        var continuation: CheckedContinuation<Verdict, Never>
    }

    /// A statement in flight: when it started, its events, and the queued appends it answers
    /// (none for a lone append that its caller runs).
    private struct Statement {
        var started: ContinuousClock.Instant
        var events: Int
        var waiters: [Waiter]
    }

    /// The bounds on what is in flight (as configured: nothing in flight).
    let bound: AppendInFlight
    /// How long a statement may run before its slot is freed and its queued appends are handed back to run alone.
    let statementDeadline: Duration
    private let client: PostgresClient
    private let logger: Logger
    private var inFlight: AppendInFlight
    private var waiting: [Waiter] = []
    private var statements: [Int: Statement] = [:]
    private var lastStatement = 0
    private var watching = false
    /// The most events that were in flight at once (for tests).
    private(set) var peakEvents = 0

    init(bound: AppendInFlight, statementDeadline: Duration, client: PostgresClient, logger: Logger) {
        self.bound = bound
        self.inFlight = bound
        self.statementDeadline = statementDeadline
        self.client = client
        self.logger = logger
    }

    /// How many appends wait for a statement (for tests).
    var waitingCount: Int { waiting.count }
    /// How many statements are in flight (for tests).
    var runningCount: Int { inFlight.statements }

    /// Runs `request` alone or with others that wait at the same time.
    func submit(_ request: Request) async -> Verdict {
        let count = request.batch.count
        guard waiting.isEmpty, inFlight.admits(count) else {
            return await withCheckedContinuation { continuation in
                waiting.append(Waiter(request: request, continuation: continuation))
                dispatch()
            }
        }
        // Nothing waits and there is room: run it here, without a task or a hand-over.
        let id = begin(Statement(started: .now, events: count, waiters: []))
        let verdict = await Self.run([request], client: client, logger: logger).first ?? .individually
        if statements.removeValue(forKey: id) != nil {
            inFlight.end(events: count)
            dispatch()
        }
        return verdict
    }

    /// Starts a statement for the waiting appends, and another, while the bound admits them.
    private func dispatch() {
        while let group = nextGroup() {
            Task { await self.drain(group) }
        }
    }

    /// Takes the next group off the queue and counts it as in flight.
    private func nextGroup() -> (id: Int, requests: [Request])? {
        guard let indices = inFlight.nextGroup(in: waiting, stream: \.request.stream, count: \.request.batch.count) else { return nil }
        let taken = Set(indices)
        let group = indices.map { waiting[$0] }
        waiting = waiting.indices.filter { !taken.contains($0) }.map { waiting[$0] }
        let events = group.reduce(0) { $0 + $1.request.batch.count }
        let id = begin(Statement(started: .now, events: events, waiters: group))
        return (id, group.map(\.request))
    }

    /// Registers a statement as in flight and makes sure the watchdog runs.
    private func begin(_ statement: Statement) -> Int {
        lastStatement += 1
        statements[lastStatement] = statement
        inFlight.start(events: statement.events)
        peakEvents = max(peakEvents, inFlight.events)
        if !watching {
            watching = true
            Task { [weak self] in
                while let wake = await self?.abandonOverdue() {
                    try? await Task.sleep(until: wake, clock: .continuous)
                }
            }
        }
        return lastStatement
    }

    /// Runs `group`, answers its appends, then the next group while appends wait.
    private func drain(_ group: (id: Int, requests: [Request])) async {
        var next: (id: Int, requests: [Request])? = group
        while let (id, requests) = next {
            let verdicts = await Self.run(requests, client: client, logger: logger)
            // Abandoned past its deadline: its appends were answered and its slot freed already.
            guard let statement = statements.removeValue(forKey: id) else { return }
            inFlight.end(events: statement.events)
            for (waiter, verdict) in zip(statement.waiters, verdicts) { waiter.continuation.resume(returning: verdict) }
            next = nextGroup()
        }
        dispatch()
    }

    /// The watchdog's round: abandons every statement past ``statementDeadline``, and says when to
    /// look again (`nil` when nothing is in flight: the watchdog stops).
    ///
    /// A statement whose connection PostgreSQL terminated can, rarely, never be answered by the
    /// driver. So that such a statement cannot hold a slot (and every later append) forever, its
    /// slot is freed after ``statementDeadline`` and its queued appends run alone: their event ids
    /// make a second try return the stored result if the abandoned one committed after all. (A lone
    /// append's caller keeps waiting for its own statement, as a plain append would.)
    private func abandonOverdue() -> ContinuousClock.Instant? {
        let now = ContinuousClock.now
        for (id, statement) in statements where statement.started + statementDeadline <= now {
            statements[id] = nil
            inFlight.end(events: statement.events)
            for waiter in statement.waiters { waiter.continuation.resume(returning: .individually) }
        }
        dispatch()
        guard let oldest = statements.values.map(\.started).min() else {
            watching = false
            return nil
        }
        return oldest + statementDeadline
    }

    /// Runs one group: the plain statement for one append, the coalesced one for several.
    private static func run(_ group: [Request], client: PostgresClient, logger: Logger) async -> [Verdict] {
        if group.count == 1, let only = group.first {
            do {
                return [
                    .outcome(
                        try await AppendStatement.run(
                            client: client, connection: nil, stream: only.stream, expected: only.expected, batch: only.batch, logger: logger
                        ))
                ]
            } catch {
                return [.failed(EventStoreError.database(error, while: "appending to '\(only.stream)'"))]
            }
        }
        let ordered = group.indices.sorted { group[$0].stream.rawValue < group[$1].stream.rawValue }
        do {
            var written: [String: CoalescedAppendStatement.Row] = [:]
            let rows = try await client.execute(CoalescedAppendStatement(ordered.map { group[$0] }), logger: logger)
            for try await row in rows { written[row.stream] = row }
            return group.map { request in
                guard let row = written[request.stream.rawValue], row.positions.count == request.batch.count else {
                    return .individually
                }
                return .outcome(
                    .written(
                        AppendResult(
                            stream: request.stream, positions: row.positions, streamVersion: row.version,
                            transactionID: UInt64(row.transaction) ?? 0, wasAlreadyStored: false
                        )))
            }
        } catch {
            // Nothing was written (or, if the connection broke at commit, it may have been: the
            // event ids make a second try return the original result). One append's problem,
            // a lost race, a stored event id, a deadlock with another transaction or an outage,
            // must not decide the others' answers: each runs on its own.
            logger.debug("coalesced append of \(group.count) streams failed as a whole (\(String(reflecting: error))); running them one by one")
            return group.map { _ in .individually }
        }
    }
}
