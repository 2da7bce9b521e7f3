import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

@testable import EventStore

@Suite("Concurrent appends share statements")
struct AppendCoalescingTests {
    /// A store whose appends run one statement at a time, so concurrent ones always coalesce.
    static let oneStatement = EventStoreConfiguration(appendStatements: 1)

    @Test("appends queued together are written by one statement, and each gets its own answer")
    func groupAnswers() async throws {
        try await withFreshStore(configuration: Self.oneStatement) { store, _ in
            let x = Fixtures.stream(), y = Fixtures.stream(), z = Fixtures.stream(), w = Fixtures.stream()
            try await store.append(to: x, expected: .noStream, events: Fixtures.events(2))
            let yEvents = Fixtures.events(2)
            let original = try await store.append(to: y, expected: .noStream, events: yEvents)

            let answers = try await Self.queuedTogether(
                store,
                [
                    // x is at version 2: a conflict, found when it runs alone.
                    { try await store.append(to: x, expected: .exact(1), events: Fixtures.events(1)) },
                    // An idempotent retry of y's append: the original result.
                    { try await store.append(to: y, expected: .noStream, events: yEvents) },
                    { try await store.append(to: z, expected: .noStream, events: Fixtures.events(2)) },
                    { try await store.append(to: w, expected: .noStream, events: Fixtures.events(1)) },
                    // z again: never in the same statement as z's first append, so it comes after it.
                    { try await store.append(to: z, expected: .exact(2), events: Fixtures.events(1)) },
                ])
            guard case .failure(let conflict as EventStoreError) = answers[0] else {
                Issue.record("x should conflict, got \(answers[0])")
                return
            }
            #expect(conflict.code == .versionConflict)
            #expect(conflict.message.contains("2"))
            let retried = try answers[1].get(), zFirst = try answers[2].get(), wResult = try answers[3].get(), zSecond = try answers[4].get()
            #expect(retried.wasAlreadyStored)
            #expect(retried.positions == original.positions)
            #expect(zFirst.streamVersion == 2 && zSecond.streamVersion == 3 && wResult.streamVersion == 1)
            // z's and w's first appends shared one statement, hence one transaction.
            #expect(zFirst.transactionID == wResult.transactionID)
            #expect(zSecond.transactionID != zFirst.transactionID)
            // Every answer names the positions the log holds.
            for result in [zFirst, wResult, zSecond] {
                let stored = try await store.readAll(stream: result.stream)
                let first = result.streamVersion - Int64(result.positions.count)
                #expect(result.positions == stored.filter { $0.streamVersion > first && $0.streamVersion <= result.streamVersion }.map(\.position))
            }
            #expect(try await store.readAll(stream: x).count == 2)
            #expect(try await store.readAll(stream: y).count == 2)
        }
    }

    @Test("an event id twice in one group sends every append back to run alone: one is stored, the other refused")
    func uniqueViolationInGroup() async throws {
        try await withFreshStore(configuration: Self.oneStatement) { store, _ in
            let a = Fixtures.stream(), b = Fixtures.stream(), c = Fixtures.stream()
            let shared = UUID()
            let answers = try await Self.queuedTogether(
                store,
                [
                    { try await store.append(to: a, expected: .noStream, events: [Fixtures.event(id: shared)]) },
                    { try await store.append(to: b, expected: .noStream, events: [Fixtures.event(id: shared)]) },
                    { try await store.append(to: c, expected: .noStream, events: Fixtures.events(3)) },
                ])
            let outcomes = answers.prefix(2)
            #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1)
            for case .failure(let error as EventStoreError) in outcomes { #expect(error.code == .duplicateEventID) }
            #expect(try answers[2].get().streamVersion == 3)
            let rows = try await store.client.query("SELECT count(*) FROM events WHERE event_id = \(shared)")
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
        }
    }

    @Test("24 writers race on 6 streams with retries: every event stored once, versions without gaps, statements shared")
    func raceExactlyOnce() async throws {
        try await withFreshStore(configuration: EventStoreConfiguration(appendStatements: 2)) { store, _ in
            let streams = (0..<6).map { _ in Fixtures.stream() }
            let results = try await withThrowingTaskGroup(of: [(AppendResult, [UUID])].self) { group in
                for writer in 0..<24 {
                    group.addTask {
                        var mine: [(AppendResult, [UUID])] = []
                        for round in 0..<15 {
                            let events = Fixtures.events(1 + (writer + round) % 3)
                            let stream = streams[(writer * 7 + round) % streams.count]
                            let result = try await store.append(to: stream, expected: .any, events: events)
                            // A retry of the same append must answer with the same positions.
                            if round % 5 == 0 {
                                let again = try await store.append(to: stream, expected: .any, events: events)
                                #expect(again.wasAlreadyStored && again.positions == result.positions)
                            }
                            mine.append((result, events.map(\.id)))
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let appended = results.reduce(0) { $0 + $1.1.count }
            var byID: [UUID: RecordedEvent] = [:]
            for stream in streams {
                let stored = try await store.readAll(stream: stream)
                #expect(stored.map(\.streamVersion) == Array(1...Int64(stored.count)))
                for event in stored { byID[event.id] = event }
            }
            #expect(byID.count == appended)
            for (result, ids) in results {
                #expect(ids.compactMap { byID[$0]?.position } == result.positions)
            }
            // The gap-free reader sees each of them once (once older transactions of the whole
            // cluster, other tests' among them, have ended).
            try await store.waitUntilReadable(results.map(\.0.transactionID).max() ?? 0, timeout: .seconds(120))
            var cursor = LogPosition.start
            var seen = Set<Int64>()
            while true {
                let page = try await store.readAll(after: cursor, limit: 100)
                if page.events.isEmpty { break }
                for event in page.events { #expect(seen.insert(event.position).inserted) }
                cursor = page.next
            }
            #expect(seen.count == appended)
            // 360 appends shared statements: fewer transactions than appends.
            let transactions = Set(results.map(\.0.transactionID))
            #expect(transactions.count < results.count)
        }
    }

    @Test(
        "beyond appendStatementsAnySize, single appends wait until they are appendStatementMinEvents, then share one statement; a batch of that size starts at once"
    )
    func smallAppendsGather() async throws {
        let configuration = EventStoreConfiguration(appendStatements: 3, appendStatementsAnySize: 1, appendStatementMinEvents: 3)
        try await withFreshStore(configuration: configuration) { store, _ in
            let coalescer = try #require(store.coalescer)
            try await Self.whileHolding(store, events: 1) { _ in
                // One statement is in flight (it waits on an open transaction), so single events wait…
                let a = Task { try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(1)) }
                try await Self.until { await coalescer.waitingCount == 1 }
                let b = Task { try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(1)) }
                try await Self.until { await coalescer.waitingCount == 2 }
                #expect(await coalescer.runningCount == 1)
                // …until a third makes three: they share one statement and one commit.
                let c = try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(1))
                let (first, second) = (try await a.value, try await b.value)
                #expect(first.transactionID == c.transactionID && second.transactionID == c.transactionID)
                // A batch of three does not wait, though the first statement is still in flight.
                let batch = try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(3))
                #expect(batch.streamVersion == 3 && batch.transactionID != c.transactionID)
                #expect(await coalescer.runningCount == 1)
                #expect(await coalescer.waitingCount == 0)
            }
        }
    }

    @Test("beyond appendStatementsAnySize, the first further statement starts whatever is in flight; the next waits while appendEventsInFlight events are")
    func eventsInFlightBound() async throws {
        let configuration = EventStoreConfiguration(
            appendStatements: 4, appendStatementsAnySize: 1, appendStatementMinEvents: 1, appendEventsInFlight: 5
        )
        try await withFreshStore(configuration: configuration) { store, _ in
            let coalescer = try #require(store.coalescer)
            let (second, waiting) = try await Self.whileHolding(store, events: 5) { held in
                // Five events in flight, but only one statement: a second starts (so that one can
                // run while the other commits), and blocks on the same open transaction.
                let second = Task { try await store.append(to: held, expected: .any, events: Fixtures.events(2)) }
                try await Self.until { await coalescer.runningCount == 2 }
                // Seven events and two statements in flight: a third statement waits.
                let batch = Task { try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(2)) }
                try await Self.until { await coalescer.waitingCount == 1 }
                #expect(await coalescer.runningCount == 2)
                return (second, batch)
            }
            #expect(try await second.value.positions.count == 2)
            #expect(try await waiting.value.streamVersion == 2)
            #expect(await coalescer.peakEvents == 7)
        }
    }

    /// Runs `body` while one append statement of `events` events is in flight: it waits on another
    /// transaction's uncommitted event of the stream passed to `body` until `body` returns. Then
    /// lets it finish. (Other appends `body` makes to that stream block as well, and may be
    /// written before the held one.)
    static func whileHolding<T: Sendable>(
        _ store: EventStore, events: Int, _ body: @Sendable (StreamName) async throws -> T
    ) async throws -> T {
        let coalescer = try #require(store.coalescer)
        let open = await OpenTransaction.begin(on: store)
        let blocker = open.stream
        let blocked = Task { try await store.append(to: blocker, expected: .any, events: Fixtures.events(events)) }
        try await Self.until { await coalescer.runningCount == 1 }
        let result: T
        do {
            result = try await body(blocker)
        } catch {
            open.release()
            throw error
        }
        try await open.end()
        let held = try await blocked.value
        #expect(held.positions.count == events && held.streamVersion >= Int64(1 + events))
        return result
    }

    @Test("a statement that outlives its deadline frees its slot: later appends proceed, and its append finishes alone")
    func statementDeadline() async throws {
        let configuration = EventStoreConfiguration(appendStatements: 1, appendStatementDeadline: .milliseconds(300))
        try await withFreshStore(configuration: configuration) { store, _ in
            let open = await OpenTransaction.begin(on: store)
            let blocker = open.stream, other = Fixtures.stream()
            // This append waits on the open transaction's version 1 and holds the only slot.
            let coalescer = try #require(store.coalescer)
            let blocked = Task { try await store.append(to: blocker, expected: .any, events: [Fixtures.event()]) }
            try await Self.until { await coalescer.runningCount == 1 }
            // Past the deadline the slot is free again, though the transaction is still open.
            // (Without the deadline this append would wait for the transaction, which waits for
            // the gate: the test gives up after 30 s instead.)
            let free = await Deadline.run(timeout: .seconds(30)) {
                try? await store.append(to: other, expected: .noStream, events: Fixtures.events(1))
            }
            #expect(free??.streamVersion == 1, "an append waited behind a statement past its deadline")
            #expect(try await store.version(of: blocker) == 0)
            try await open.end()
            #expect(try await blocked.value.streamVersion == 2)
            #expect(try await store.readAll(stream: blocker).count == 2)
        }
    }

    @Test("with coalescing off every append is its own statement")
    func off() async throws {
        try await withFreshStore(configuration: EventStoreConfiguration(appendStatements: 0)) { store, _ in
            #expect(store.coalescer == nil)
            let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(1)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.transactionID)).count == 16)
        }
    }

    /// Runs `appends` so that they all wait for the store's single statement at once, then lets
    /// them go: the slot is held by an append that waits on another transaction's uncommitted
    /// event, and each append is started only after the previous one queued, so the queue keeps
    /// their order.
    static func queuedTogether(
        _ store: EventStore, _ appends: [@Sendable () async throws -> AppendResult]
    ) async throws -> [Result<AppendResult, any Error>] {
        let coalescer = try #require(store.coalescer)
        let open = await OpenTransaction.begin(on: store)
        let blocker = open.stream
        return try await withThrowingTaskGroup(of: Void.self) { holders in
            holders.addTask { try await open.holder.value }
            // Holds the only slot: it waits on the open transaction's version 1.
            holders.addTask { _ = try await store.append(to: blocker, expected: .any, events: [Fixtures.event()]) }
            try await Self.until { await coalescer.runningCount == 1 }
            let answers = try await withThrowingTaskGroup(of: (Int, Result<AppendResult, any Error>).self) { group in
                for (index, append) in appends.enumerated() {
                    group.addTask {
                        do { return (index, .success(try await append())) } catch { return (index, .failure(error)) }
                    }
                    try await Self.until { await coalescer.waitingCount == index + 1 }
                }
                open.release()
                var answers = [Result<AppendResult, any Error>?](repeating: nil, count: appends.count)
                for try await (index, answer) in group { answers[index] = answer }
                return answers.compactMap { $0 }
            }
            try await holders.waitForAll()
            #expect(try await store.version(of: blocker) == 2)
            return answers
        }
    }

    /// Polls `condition` every 10 ms; fails after 30 s (a hang guard, not a timing assertion).
    static func until(_ condition: @Sendable () async -> Bool) async throws {
        try await eventually("the condition holds (30 s)", timeout: .seconds(30), interval: .milliseconds(10)) { await condition() }
    }
}
