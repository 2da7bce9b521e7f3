import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

@Suite("Subscriptions", .timeLimit(.minutes(3)))
struct SubscriptionTests {
    @Test("a subscription catches up from the start, then goes live")
    func catchUpThenLive() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            try await store.append(to: stream, expected: .noStream, events: Fixtures.events(5))
            let received = Locked(0)
            let collector = Task { () throws -> [Int64] in
                var versions: [Int64] = []
                for try await event in store.subscribe(pageSize: 2) {
                    versions.append(event.streamVersion)
                    received.withLock { $0 = versions.count }
                    if versions.count == 12 { break }
                }
                return versions
            }
            // Live events arrive after the subscriber caught up
            try await eventually("the subscriber caught up") { received.value == 5 }
            for _ in 0..<7 {
                try await store.append(to: stream, expected: .any, events: Fixtures.events(1))
            }
            #expect(try await collector.value == Array(1...12))
        }
    }

    @Test("a subscription started mid-stream from a checkpoint delivers exactly the rest")
    func resumeFromCheckpoint() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            let appended = try await store.append(to: stream, expected: .noStream, events: Fixtures.events(10))
            try await store.waitUntilReadable(appended.transactionID)
            let all = try await store.readAll(after: .start).events
            try #require(all.count == 10)
            let checkpoint = all[3].logPosition
            var rest: [Int64] = []
            for try await event in store.subscribe(after: checkpoint) {
                rest.append(event.streamVersion)
                if rest.count == 6 { break }
            }
            #expect(rest == [5, 6, 7, 8, 9, 10])
        }
    }

    @Test("a subscriber whose connections are killed with pg_terminate_backend resumes without loss or duplicates")
    func killedConnection() async throws {
        try await withFreshStore { store, database in
            let total = 300
            // The subscriber runs on its own client, identified by application_name, so its backends can be killed.
            let collector = Task { () throws -> [UUID] in
                try await withStore(
                    url: database.url, configuration: EventStoreConfiguration(readTimeout: .seconds(2)),
                    maximumConnections: 4, applicationName: "tidemark-victim"
                ) { victim in
                    var ids: [UUID] = []
                    for try await event in victim.subscribe(pageSize: 7) {
                        ids.append(event.id)
                        if ids.count == total { break }
                    }
                    return ids
                }
            }
            let appended = Locked<[UUID]>([])
            let writerFinished = Locked<Bool>(false)
            let writer = Task {
                defer { writerFinished.withLock { $0 = true } }
                for index in 0..<total {
                    let event = Fixtures.event("Numbered", #"{"n":\#(index)}"#)
                    try await store.append(to: Fixtures.stream("kill"), expected: .noStream, events: [event])
                    appended.withLock { $0.append(event.id) }
                    if index % 10 == 0 { try await Task.sleep(for: .milliseconds(5)) }
                }
            }
            // Kill the subscriber's backends repeatedly while events flow (at most 25 times: on a
            // loaded machine a reconnect can take longer than the pause between kills, and the
            // subscriber must be able to make progress in the end).
            var kills = 0
            while !writerFinished.value, kills < 25 {
                try await Task.sleep(for: .milliseconds(60))
                let rows = try await store.client.query(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'tidemark-victim' AND datname = current_database()"
                )
                for try await count in rows.decode(Int64.self) where count > 0 { kills += 1 }
            }
            // (the collector and the writer are unstructured: cancel them with the test, so a test
            // past its time limit ends instead of waiting for them forever)
            let seen = try await withTaskCancellationHandler {
                try await writer.value
                return try await collector.value
            } onCancel: {
                writer.cancel()
                collector.cancel()
            }
            #expect(kills > 0, "the test must actually kill connections")
            #expect(seen.count == Set(seen).count)
            #expect(Set(seen) == Set(appended.withLock { $0 }))
        }
    }

    @Test("a subscription reads lazily: a consumer that stops early leaves the rest unread")
    func backPressure() async throws {
        try await withFreshStore { store, _ in
            try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(50))
            var iterator = store.subscribe(pageSize: 10).makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.streamVersion == 1)
            // The iterator holds at most one page, and its cursor only moves with what was delivered.
            #expect(iterator.bufferedCount == 9)
            #expect(iterator.position == first?.logPosition)
        }
    }
}
