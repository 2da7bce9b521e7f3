import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

@Suite("Appending events")
struct AppendTests {
    @Test("appending to a new stream with noStream starts at version 1 and returns positions")
    func appendNew() async throws {
        try await withFreshStore { store, _ in
            // Given a stream that does not exist
            let stream = Fixtures.stream()
            // When three events are appended
            let result = try await store.append(to: stream, expected: .noStream, events: Fixtures.events(3))
            // Then they get versions 1…3 and increasing positions
            #expect(result.streamVersion == 3)
            #expect(result.positions.count == 3)
            #expect(result.positions == result.positions.sorted())
            #expect(result.wasAlreadyStored == false)
            let stored = try await store.read(stream: stream)
            #expect(stored.map(\.streamVersion) == [1, 2, 3])
            #expect(stored.map(\.position) == result.positions)
        }
    }

    @Test("appending at a stale version throws versionConflict naming the stream, expected and actual version")
    func staleVersion() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            try await store.append(to: stream, expected: .noStream, events: Fixtures.events(2))
            // When appending with an expectation that does not hold
            for expected in [ExpectedVersion.noStream, .exact(1), .exact(5), .exact(0)] {
                let error = await #expect(throws: EventStoreError.self) {
                    try await store.append(to: stream, expected: expected, events: Fixtures.events(1))
                }
                // Then the error says which stream, what was expected and what it is
                #expect(error?.code == .versionConflict)
                #expect(error?.stream == stream.rawValue)
                #expect(error?.expectedVersion == expected)
                #expect(error?.actualVersion == 2)
                #expect(error?.message.contains(stream.rawValue) == true)
            }
            #expect(try await store.version(of: stream) == 2)
        }
    }

    @Test("events with different metadata keep their own, in a batch, an atomic append and a coalesced group")
    func metadataPerEvent() async throws {
        try await withFreshStore(configuration: EventStoreConfiguration(appendStatements: 1)) { store, _ in
            func metadata(_ n: Int) -> EventMetadata {
                EventMetadata(tenantID: "t-\(n % 2)", actorID: "user-\(n)", correlationID: n == 3 ? nil : "c-\(n % 3)")
            }
            let pattern = [0, 1, 0, 2, 1, 3, 3, 0]
            func batch() -> [EventData] { pattern.map { EventData(type: "Noted", json: #"{"n":\#($0)}"#, metadata: metadata($0)) } }
            func check(_ stream: StreamName) async throws {
                let stored = try await store.read(stream: stream)
                #expect(stored.map(\.metadata) == pattern.map(metadata))
                #expect(stored.map(\.metadata.tenantID) == pattern.map { "t-\($0 % 2)" })
            }
            let single = Fixtures.stream()
            _ = try await store.append(to: single, expected: .noStream, events: batch())
            try await check(single)
            let (a, b) = (Fixtures.stream(), Fixtures.stream())
            _ = try await store.append([
                StreamAppend(stream: a, expectedVersion: .noStream, events: batch()),
                StreamAppend(stream: b, expectedVersion: .noStream, events: batch()),
            ])
            try await check(a)
            try await check(b)
            // One statement slot: concurrent appends queue and share statements.
            let streams = (0..<6).map { _ in Fixtures.stream() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for stream in streams { group.addTask { _ = try await store.append(to: stream, expected: .noStream, events: batch()) } }
                try await group.waitForAll()
            }
            for stream in streams { try await check(stream) }
        }
    }

    @Test("exact, any and streamExists append when their expectation holds")
    func expectationsHold() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            let missing = await #expect(throws: EventStoreError.self) {
                try await store.append(to: stream, expected: .streamExists, events: Fixtures.events(1))
            }
            #expect(missing?.code == .versionConflict)
            #expect(missing?.actualVersion == 0)
            try await store.append(to: stream, expected: .exact(0), events: Fixtures.events(1))
            try await store.append(to: stream, expected: .exact(1), events: Fixtures.events(2))
            try await store.append(to: stream, expected: .any, events: Fixtures.events(1))
            let last = try await store.append(to: stream, expected: .streamExists, events: Fixtures.events(1))
            #expect(last.streamVersion == 5)
        }
    }

    @Test("re-appending the same event ids returns the original result and stores nothing new")
    func idempotentRetry() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            let events = Fixtures.events(3)
            let first = try await store.append(to: stream, expected: .noStream, events: events)
            // When the same append is retried (even with the same, now stale, expectation)
            let retry = try await store.append(to: stream, expected: .noStream, events: events)
            let retryAny = try await store.append(to: stream, expected: .any, events: events)
            // Then the original positions come back and nothing is added
            #expect(retry.positions == first.positions)
            #expect(retry.streamVersion == 3)
            #expect(retry.wasAlreadyStored)
            #expect(retryAny.positions == first.positions)
            #expect(try await store.version(of: stream) == 3)
        }
    }

    @Test("an event id stored by a different append is refused with duplicate_event_id")
    func duplicateID() async throws {
        try await withFreshStore { store, _ in
            let a = Fixtures.stream(), b = Fixtures.stream()
            let event = Fixtures.event()
            try await store.append(to: a, expected: .any, events: [event])
            let other = await #expect(throws: EventStoreError.self) {
                try await store.append(to: b, expected: .any, events: [event])
            }
            #expect(other?.code == .duplicateEventID)
            let mixed = await #expect(throws: EventStoreError.self) {
                try await store.append(to: a, expected: .any, events: [event, Fixtures.event()])
            }
            #expect(mixed?.code == .duplicateEventID)
            #expect(try await store.version(of: b) == 0)
            #expect(try await store.version(of: a) == 1)
            let twice = await #expect(throws: EventStoreError.self) {
                let id = UUID()
                try await store.append(to: b, expected: .any, events: [Fixtures.event(id: id), Fixtures.event(id: id)])
            }
            #expect(twice?.code == .duplicateEventID)
        }
    }

    @Test("bad input is refused with a clear code and nothing is written")
    func badInput() async throws {
        try await withFreshStore(configuration: EventStoreConfiguration(maxPayloadBytes: 1000)) { store, _ in
            let stream = Fixtures.stream()
            let cases: [(EventStoreError.Code, [EventData])] = [
                (.emptyBatch, []),
                (.invalidJSON, [Fixtures.event("Bad", "{not json")]),
                (.invalidJSON, [Fixtures.event("Bad", "[1,2,3]")]),
                (.invalidJSON, [Fixtures.event("Bad", #"{"a":"\u0000"}"#)]),
                (.payloadTooLarge, [Fixtures.event("Big", #"{"s":"\#(String(repeating: "x", count: 2000))"}"#)]),
                (.invalidEventType, [Fixtures.event("", "{}")]),
                (.invalidEventType, [Fixtures.event("has space", "{}")]),
                (.invalidEventType, [EventData(type: "Ok", schemaVersion: 0, json: "{}")]),
                // A valid event followed by an invalid one: the whole batch is refused.
                (.invalidJSON, [Fixtures.event(), Fixtures.event("Bad", "nope")]),
                // NUL characters in metadata, also when only a later event's metadata carries one.
                (.invalidJSON, [EventData(type: "Nul", json: "{}", metadata: EventMetadata(actorID: "a\u{0}b"))]),
                (.invalidJSON, [EventData(type: "Nul", json: "{}", metadata: EventMetadata(extra: ["k": "\u{0}"]))]),
                (.invalidJSON, [Fixtures.event(), EventData(type: "Nul", json: "{}", metadata: EventMetadata(deviceID: "\u{0}"))]),
            ]
            for (code, events) in cases {
                let error = await #expect(throws: EventStoreError.self) {
                    try await store.append(to: stream, expected: .any, events: events)
                }
                #expect(error?.code == code, "expected \(code) for \(events.map(\.type))")
                #expect(error?.message.isEmpty == false)
            }
            #expect(try await store.version(of: stream) == 0)
            let count = try await store.client.query("SELECT count(*) FROM events")
            for try await n in count.decode(Int.self) { #expect(n == 0) }
            // The text `\u0000` (a backslash, not a NUL) is an ordinary metadata value.
            let literal = EventMetadata(actorID: #"a\u0000b"#)
            try await store.append(to: stream, expected: .noStream, events: [EventData(type: "Literal", json: "{}", metadata: literal)])
            let stored = try await store.read(stream: stream)
            #expect(stored.first?.metadata.actorID == #"a\u0000b"#)
        }
    }

    @Test("stream names that break the naming rules are refused")
    func streamNames() throws {
        for bad in ["", "todo", "-x", "Todo-1", "1todo-2", "todo-", "to do-1", "todo- x", "todo-#1", "t-\(String(repeating: "a", count: 201))"] {
            #expect(throws: EventStoreError.self, "\(bad)") { try StreamName(bad) }
        }
        let good = try StreamName("orderItem-3F2a-b_c.d:e@f")
        #expect(good.category == "orderItem")
        #expect(good.id == "3F2a-b_c.d:e@f")
    }

    @Test("an atomic append to several streams writes all of them or, on a conflict in any, none")
    func atomicMultiStream() async throws {
        try await withFreshStore { store, _ in
            let a = Fixtures.stream(), b = Fixtures.stream()
            try await store.append(to: b, expected: .noStream, events: Fixtures.events(1))
            // When the second part's expectation fails
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append([
                    StreamAppend(stream: a, expectedVersion: .noStream, events: Fixtures.events(2)),
                    StreamAppend(stream: b, expectedVersion: .noStream, events: Fixtures.events(1)),
                ])
            }
            // Then nothing of the first part is stored either
            #expect(error?.code == .versionConflict)
            #expect(error?.stream == b.rawValue)
            #expect(error?.actualVersion == 1)
            #expect(try await store.version(of: a) == 0)
            // And a valid atomic append stores both in one transaction, idempotently
            let parts = [
                StreamAppend(stream: a, expectedVersion: .noStream, events: Fixtures.events(2)),
                StreamAppend(stream: b, expectedVersion: .exact(1), events: Fixtures.events(1)),
            ]
            let results = try await store.append(parts)
            #expect(results.map(\.streamVersion) == [2, 2])
            #expect(results[0].transactionID == results[1].transactionID)
            let again = try await store.append(parts)
            #expect(again.map(\.positions) == results.map(\.positions))
            #expect(again.allSatisfy { $0.wasAlreadyStored })
        }
    }

    @Test("concurrent appends with .any to one stream all land with consecutive versions")
    func concurrentAny() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await store.append(to: stream, expected: .any, events: Fixtures.events(2)) }
                }
                try await group.waitForAll()
            }
            let events = try await store.read(stream: stream)
            #expect(events.map(\.streamVersion) == Array(1...40))
        }
    }

    @Test("concurrent appends with the same exact version: exactly one wins")
    func concurrentExact() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            try await store.append(to: stream, expected: .noStream, events: Fixtures.events(1))
                            return true
                        } catch let error as EventStoreError where error.code == .versionConflict {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await store.version(of: stream) == 1)
        }
    }
}
