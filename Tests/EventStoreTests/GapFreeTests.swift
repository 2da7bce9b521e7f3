import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

@Suite("Gap-free reading of the whole log", .timeLimit(.minutes(3)))
struct GapFreeTests {
    @Test("an event allocated a lower position but committed later is not skipped")
    func lateCommitIsNotSkipped() async throws {
        try await withFreshStore { store, _ in
            let a = Fixtures.stream(), b = Fixtures.stream(), c = Fixtures.stream()
            let (aWrote, aWroteContinuation) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            // Given transaction A that appends (low position) and stays open
            let holder = Task {
                try await store.transaction { tx in
                    try await tx.append(to: a, expected: .noStream, events: [Fixtures.event("A1")])
                    aWroteContinuation.yield()
                    for await _ in release { break }
                    // A writes again after B committed: its second position is higher than B's
                    try await tx.append(to: a, expected: .exact(1), events: [Fixtures.event("A2")])
                }
            }
            for await _ in aWrote { break }
            // And transaction B that appends (higher position) and commits first
            let bResult = try await store.append(to: b, expected: .noStream, events: [Fixtures.event("B1")])
            // When a reader reads while A is open
            let early = try await store.readAll(after: .start)
            // Then it sees neither A's nor B's event: B is behind A's horizon
            #expect(early.events.isEmpty)
            let status = try await store.status(stallThreshold: .zero)
            #expect(status.head == bResult.positions[0])
            #expect(status.safePosition < bResult.positions[0])
            #expect(status.eventsBehindHorizon >= 1)
            #expect(status.openTransactions.isEmpty == false)
            // And after A commits and C appends, the reader continues from its cursor and sees all four, once
            releaseContinuation.yield()
            try await holder.value
            let cResult = try await store.append(to: c, expected: .noStream, events: [Fixtures.event("C1")])
            try await store.waitUntilReadable(cResult.transactionID)
            let late = try await store.readAll(after: early.next)
            #expect(late.events.map(\.type) == ["A1", "A2", "B1", "C1"])
            #expect(late.events.map(\.logPosition) == late.events.map(\.logPosition).sorted())
            // A2 was allocated after B1, yet a position-ordered reader that checkpointed at B1 would have skipped A1.
            #expect(late.events[0].position < late.events[2].position)
            #expect(late.events[1].position > late.events[2].position)
        }
    }

    @Test("an older transaction may not append after a younger one's event in the same stream")
    func olderTransactionAfterYoungerIsRefused() async throws {
        try await withFreshStore { store, _ in
            let own = Fixtures.stream(), shared = Fixtures.stream()
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            // Given an older transaction that already holds a transaction id
            let older = Task {
                try await store.transaction { tx in
                    try await tx.append(to: own, expected: .noStream, events: [Fixtures.event("Own")])
                    startedContinuation.yield()
                    for await _ in release { break }
                    // When it appends to a stream a younger transaction has written to since
                    try await tx.append(to: shared, expected: .any, events: [Fixtures.event("Late")])
                }
            }
            for await _ in started { break }
            try await store.append(to: shared, expected: .noStream, events: [Fixtures.event("Young")])
            releaseContinuation.yield()
            // Then it is refused as a retryable concurrency conflict and nothing of it is kept
            let error = await #expect(throws: EventStoreError.self) { try await older.value }
            #expect(error?.code == .concurrencyConflict)
            #expect(try await store.version(of: own) == 0)
            #expect(try await store.version(of: shared) == 1)
            // And the same work as a new transaction succeeds after the younger event
            let retried = try await store.append([
                StreamAppend(stream: own, expectedVersion: .noStream, events: [Fixtures.event("Own")]),
                StreamAppend(stream: shared, expectedVersion: .any, events: [Fixtures.event("Late")]),
            ])
            #expect(retried[1].streamVersion == 2)
        }
    }

    @Test(
        "16 writers with random delays inside transactions and 6 writers of coalesced appends race 4 tailing readers: every committed event is seen once, in order, and no rolled-back one"
    )
    func racingWritersAndReaders() async throws {
        // Two append statements at a time: the plain appends share statements while the
        // transactions run beside them.
        try await withFreshStore(configuration: EventStoreConfiguration(appendStatements: 2), maximumConnections: 30) { store, _ in
            let committed = Locked<[UUID]>([])
            let rolledBack = Locked<Set<UUID>>([])
            let writersDone = Locked<Bool>(false)
            let writerCount = 16, transactionsPerWriter = 20, readerCount = 4
            let shared = (0..<4).map { _ in Fixtures.stream("shared") }

            let readers = (0..<readerCount).map { _ in
                Task { () throws -> [RecordedEvent] in
                    var seen: [RecordedEvent] = []
                    var cursor = LogPosition.start
                    let deadline = ContinuousClock.now + .seconds(120)
                    while ContinuousClock.now < deadline {
                        let page = try await store.readAll(after: cursor, limit: 37)
                        seen += page.events
                        cursor = page.next
                        if page.events.isEmpty {
                            if writersDone.value, seen.count >= committed.withLock({ $0.count }) { break }
                            try await Task.sleep(for: .milliseconds(Int.random(in: 1...5)))
                        }
                    }
                    // One more read after everything settled: nothing further may appear.
                    try await Task.sleep(for: .milliseconds(200))
                    seen += try await store.readAll(after: cursor).events
                    return seen
                }
            }

            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writerCount {
                    group.addTask {
                        let own = Fixtures.stream("writer\(writer)")
                        for _ in 0..<transactionsPerWriter {
                            let ids = (0..<Int.random(in: 1...3)).map { _ in UUID() }
                            let rollBack = Int.random(in: 0..<5) == 0
                            do {
                                try await store.transaction { tx in
                                    for id in ids {
                                        let target = Bool.random() ? own : shared[Int.random(in: 0..<shared.count)]
                                        try await tx.append(to: target, expected: .any, events: [Fixtures.event("Raced", id: id)])
                                        try await Task.sleep(for: .milliseconds(Int.random(in: 0...8)))
                                    }
                                    if rollBack { throw DeliberateRollback() }
                                }
                                committed.withLock { $0 += ids }
                            } catch is DeliberateRollback {
                                rolledBack.withLock { $0.formUnion(ids) }
                            } catch let error as EventStoreError where error.code == .versionConflict || error.code == .concurrencyConflict {
                                // Two writers raced for one shared stream's next version, or deadlocked on two
                                // shared streams: the loser rolled back.
                                rolledBack.withLock { $0.formUnion(ids) }
                            }
                        }
                    }
                }
                for writer in 0..<6 {
                    group.addTask {
                        let own = Fixtures.stream("appender\(writer)")
                        for _ in 0..<20 {
                            let events = (0..<Int.random(in: 1...3)).map { _ in Fixtures.event("Appended") }
                            let target = Bool.random() ? own : shared[Int.random(in: 0..<shared.count)]
                            try await store.append(to: target, expected: .any, events: events)
                            committed.withLock { $0 += events.map(\.id) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            writersDone.withLock { $0 = true }

            let expected = Set(committed.withLock { $0 })
            let discarded = rolledBack.withLock { $0 }
            #expect(expected.count > 200)
            #expect(discarded.isEmpty == false)
            for reader in readers {
                let seen = try await reader.value
                let ids = seen.map(\.id)
                #expect(ids.count == Set(ids).count, "a reader saw an event twice")
                #expect(Set(ids) == expected, "a reader missed or invented events")
                #expect(Set(ids).isDisjoint(with: discarded), "a reader saw a rolled-back event")
                let positions = seen.map(\.logPosition)
                #expect(positions == positions.sorted(), "a reader saw events out of log order")
                // Within each stream, versions arrive as 1, 2, 3… with no gap.
                let byStream = Dictionary(grouping: seen, by: \.stream)
                for (_, events) in byStream {
                    #expect(events.map(\.streamVersion) == Array(1...Int64(events.count)))
                }
            }
        }
    }
}
