@testable import EventStore
import Foundation
import Testing
import TidemarkTestSupport

@Suite("Several streams in one statement, in a given log order")
struct MultiStreamLogOrderTests {
    @Test("events of several streams take the log order given, each stream keeping its own versions")
    func interleaved() async throws {
        try await withFreshStore { store, _ in
            let a = Fixtures.stream(), b = Fixtures.stream()
            let results = try await store.transaction { tx in
                try await tx.append([
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

    @Test("a unique violation's detail names the stream that lost the race")
    func streamFromDetail() {
        #expect(AppendRace.streamNamed(in: "Key (stream, stream_version)=(todo-1, 3) already exists.") == "todo-1")
        #expect(AppendRace.streamNamed(in: "Key (stream, stream_version)=(order-a, b, 12) already exists.") == "order-a, b")
        #expect(AppendRace.streamNamed(in: "Key (event_id)=(x) already exists.") == nil)
        #expect(AppendRace.streamNamed(in: nil) == nil)
    }
}
