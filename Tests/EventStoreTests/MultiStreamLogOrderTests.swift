import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

@testable import EventStore

@Suite("Several streams in one statement, in a given log order")
struct MultiStreamLogOrderTests {
    @Test("events of several streams take the log order given, each stream keeping its own versions")
    func interleaved() async throws {
        try await withFreshStore { store, _ in
            let a = Fixtures.stream(), b = Fixtures.stream()
            let results = try await store.transaction { tx in
                try await tx.append(
                    [
                        StreamAppend(stream: a, expectedVersion: .noStream, events: Fixtures.events(2)),
                        StreamAppend(stream: b, expectedVersion: .noStream, events: Fixtures.events(2)),
                    ], logOrder: [b, a, b, a])
            }
            #expect(results.map(\.streamVersion) == [2, 2])
            // b's first event comes first in the log, then a's, then b's second, then a's second.
            #expect(results[1].positions[0] < results[0].positions[0])
            #expect(results[0].positions[0] < results[1].positions[1])
            #expect(results[1].positions[1] < results[0].positions[1])
            #expect(try await store.readAll(stream: a).map(\.streamVersion) == [1, 2])
        }
    }

    @Test("a log order that does not name each event exactly once is refused and writes nothing")
    func badLogOrder() async throws {
        try await withFreshStore { store, _ in
            let a = Fixtures.stream(), b = Fixtures.stream(), other = Fixtures.stream()
            let parts = [
                StreamAppend(stream: a, expectedVersion: .noStream, events: Fixtures.events(1)),
                StreamAppend(stream: b, expectedVersion: .noStream, events: Fixtures.events(2)),
            ]
            for order in [[a, b], [a, b, b, b], [a, other, b]] {
                let error = await #expect(throws: EventStoreError.self) {
                    try await store.transaction { tx in try await tx.append(parts, logOrder: order) }
                }
                #expect(error?.code == .invalidArgument)
            }
            let versionA = try await store.version(of: a)
            let versionB = try await store.version(of: b)
            #expect(versionA == 0 && versionB == 0)
        }
    }

    @Test(
        "an atomic append that loses a race on its second stream names that stream and writes nothing",
        arguments: [true, false]
    )
    func lostRaceNamesStream(streamExists: Bool) async throws {
        try await withFreshStore { store, _ in
            let a = Fixtures.stream(), b = Fixtures.stream()
            if streamExists { try await store.append(to: b, expected: .noStream, events: Fixtures.events(1)) }
            let version: Int64 = streamExists ? 1 : 0
            // A transaction writes b's next version and stays open.
            let (holding, held) = AsyncStream<Void>.makeStream()
            let (releasing, release) = AsyncStream<Void>.makeStream()
            let blocker = Task {
                try await store.transaction { tx in
                    _ = try await tx.append(to: b, expected: .exact(version), events: Fixtures.events(1))
                    held.yield()
                    for await _ in releasing { break }
                }
            }
            for await _ in holding { break }
            // The atomic append reads the same head, so its insert waits on the open transaction's
            // index entry: (stream_id, version) for an existing stream, the name for a new one.
            let racer = Task {
                try await store.append([
                    StreamAppend(stream: a, expectedVersion: .noStream, events: Fixtures.events(2)),
                    StreamAppend(stream: b, expectedVersion: streamExists ? .exact(1) : .noStream, events: Fixtures.events(1)),
                ])
            }
            var waiting = false
            for _ in 0..<500 where !waiting {
                let rows = try await store.client.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                for try await count in rows.decode(Int64.self) { waiting = count > 0 }
                if !waiting { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(waiting)
            release.yield()
            try await blocker.value
            let error = await #expect(throws: EventStoreError.self) { try await racer.value }
            #expect(error?.code == .versionConflict)
            #expect(error?.stream == b.rawValue)
            #expect(error?.actualVersion == version + 1)
            #expect(try await store.version(of: a) == 0)
            #expect(try await store.version(of: b) == version + 1)
        }
    }

    @Test("a unique violation's detail names the stream that lost the race")
    func streamFromDetail() {
        #expect(AppendRace.culprit(in: "Key (stream_id, stream_version)=(17, 3) already exists.") == .number(17))
        #expect(AppendRace.culprit(in: "Key (stream)=(todo-1) already exists.") == .name("todo-1"))
        #expect(AppendRace.culprit(in: "Key (stream)=(order-a, b) already exists.") == .name("order-a, b"))
        #expect(AppendRace.culprit(in: "Key (stream_id, stream_version)=(x, 3) already exists.") == nil)
        #expect(AppendRace.culprit(in: "Key (event_id)=(x) already exists.") == nil)
        #expect(AppendRace.culprit(in: nil) == nil)
    }
}
