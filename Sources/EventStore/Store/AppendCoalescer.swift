import Logging
import PostgresNIO

/// Lets concurrent single-stream appends share one statement and one commit.
///
/// At most ``limit`` append statements of this process run at once. An append that arrives while
/// all of them are busy waits, and the next free statement takes every waiting append (one per
/// stream, up to ``maxEvents`` events) into one ``CoalescedAppendStatement``. A lone writer never
/// waits: its append runs at once as the plain single-stream statement. Under load, 32 writers of
/// one event each then pay for a few round trips and commits instead of 32.
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

    /// The most append statements in flight at once.
    let limit: Int
    /// The most events one statement carries (a single larger append still runs on its own).
    let maxEvents: Int
    /// How long a statement may run before its appends are handed back to run alone.
    let statementDeadline: Duration
    private let client: PostgresClient
    private let logger: Logger
    private var waiting: [Waiter] = []
    private var running = 0

    init(limit: Int, maxEvents: Int, statementDeadline: Duration, client: PostgresClient, logger: Logger) {
        self.limit = max(1, limit)
        self.maxEvents = max(1, maxEvents)
        self.statementDeadline = statementDeadline
        self.client = client
        self.logger = logger
    }

    /// How many appends wait for a statement (for tests).
    var waitingCount: Int { waiting.count }
    /// How many statements are in flight (for tests).
    var runningCount: Int { running }

    /// Runs `request` alone or with others that wait at the same time.
    func submit(_ request: Request) async -> Verdict {
        await withCheckedContinuation { continuation in
            waiting.append(Waiter(request: request, continuation: continuation))
            if running < limit {
                running += 1
                Task { await self.drain() }
            }
        }
    }

    /// Runs groups until nobody waits.
    ///
    /// A statement whose connection PostgreSQL terminated can, rarely, never be answered by the
    /// driver. So that such a statement cannot hold a slot (and every later append) forever, it is
    /// abandoned after ``statementDeadline`` and its appends run alone: their event ids make a
    /// second try return the stored result if the abandoned one committed after all.
    private func drain() async {
        while let group = nextGroup() {
            let requests = group.map(\.request)
            let (client, logger) = (client, logger)
            let verdicts =
                await Deadline.run(timeout: statementDeadline) {
                    await Self.run(requests, client: client, logger: logger)
                } ?? requests.map { _ in .individually }
            for (waiter, verdict) in zip(group, verdicts) { waiter.continuation.resume(returning: verdict) }
        }
        running -= 1
    }

    /// Takes the oldest waiting appends: one per stream, within the event limit, in arrival order.
    private func nextGroup() -> [Waiter]? {
        guard !waiting.isEmpty else { return nil }
        var group: [Waiter] = []
        var rest: [Waiter] = []
        var streams = Set<StreamName>()
        var events = 0
        for waiter in waiting {
            let count = waiter.request.batch.count
            if group.isEmpty || (!streams.contains(waiter.request.stream) && events + count <= maxEvents) {
                group.append(waiter)
                streams.insert(waiter.request.stream)
                events += count
            } else {
                rest.append(waiter)
            }
        }
        waiting = rest
        return group
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
