import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

@Suite("Reading streams and the log")
struct ReadTests {
    @Test("a stream reads forwards and backwards from a version")
    func readStream() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            try await store.append(to: stream, expected: .noStream, events: Fixtures.events(10))
            #expect(try await store.read(stream: stream, from: 4, limit: 3).map(\.streamVersion) == [4, 5, 6])
            #expect(try await store.read(stream: stream, from: 4, direction: .backwards, limit: 3).map(\.streamVersion) == [4, 3, 2])
            #expect(try await store.read(stream: stream, from: .max, direction: .backwards, limit: 2).map(\.streamVersion) == [10, 9])
            #expect(try await store.read(stream: stream, from: 11).isEmpty)
            #expect(try await store.read(stream: Fixtures.stream()).isEmpty)
            let all = try await store.readAll(stream: stream)
            #expect(all.count == 10)
            #expect(String(decoding: all[3].data, as: UTF8.self).contains("3"))
            #expect(all[0].metadata.actorID == "user-1")
        }
    }

    @Test("reads across a stream's first event (kept under its name) and the later ones (under its number)")
    func readAcrossFirstEvent() async throws {
        try await withFreshStore { store, _ in
            let one = Fixtures.stream(), two = Fixtures.stream()
            try await store.append(to: one, expected: .noStream, events: Fixtures.events(1))
            try await store.append(to: two, expected: .noStream, events: Fixtures.events(1))
            try await store.append(to: two, expected: .exact(1), events: Fixtures.events(2))
            // A stream of one event.
            #expect(try await store.read(stream: one).map(\.streamVersion) == [1])
            #expect(try await store.read(stream: one, from: 0).map(\.streamVersion) == [1])
            #expect(try await store.read(stream: one, from: 2).isEmpty)
            #expect(try await store.read(stream: one, from: .max, direction: .backwards).map(\.streamVersion) == [1])
            #expect(try await store.read(stream: one, from: 0, direction: .backwards).isEmpty)
            #expect(try await store.version(of: one) == 1)
            // Pages that start, end or straddle at version 1.
            #expect(try await store.read(stream: two, limit: 1).map(\.streamVersion) == [1])
            #expect(try await store.read(stream: two, limit: 2).map(\.streamVersion) == [1, 2])
            #expect(try await store.read(stream: two, from: 2, limit: 5).map(\.streamVersion) == [2, 3])
            #expect(try await store.read(stream: two, from: 2, direction: .backwards, limit: 5).map(\.streamVersion) == [2, 1])
            #expect(try await store.read(stream: two, from: .max, direction: .backwards, limit: 2).map(\.streamVersion) == [3, 2])
            #expect(try await store.read(stream: two, from: 1, direction: .backwards).map(\.streamVersion) == [1])
            #expect(try await store.version(of: two) == 3)
            let both = try await store.readAll(streams: [one, two])
            #expect(both[one]?.map(\.streamVersion) == [1])
            #expect(both[two]?.map(\.streamVersion) == [1, 2, 3])
            // Appending after a one-event stream, and a stale expectation against it.
            try await store.append(to: one, expected: .exact(1), events: Fixtures.events(1))
            let stale = await #expect(throws: EventStoreError.self) {
                try await store.append(to: one, expected: .exact(1), events: Fixtures.events(1))
            }
            #expect(stale?.actualVersion == 2)
            let taken = await #expect(throws: EventStoreError.self) {
                try await store.append(to: one, expected: .noStream, events: Fixtures.events(1))
            }
            #expect(taken?.code == .versionConflict)
        }
    }

    @Test("the whole log reads in pages from a position, with filters by tenant, category and type")
    func readAllFiltered() async throws {
        try await withFreshStore { store, _ in
            let todo = try StreamName("todo-1"), order = try StreamName("order-1")
            try await store.append(
                to: todo, expected: .any,
                events: [
                    Fixtures.event("TodoCreated", tenant: "acme"), Fixtures.event("TodoRenamed", tenant: "acme"),
                ])
            let last = try await store.append(
                to: order, expected: .any,
                events: [
                    Fixtures.event("OrderPlaced", tenant: "globex"), Fixtures.event("OrderPaid", tenant: "acme"),
                ])
            // Other tests of this run may hold transactions open: wait until ours is behind the horizon.
            try await store.waitUntilReadable(last.transactionID)
            // Paging
            var cursor = LogPosition.start
            var seen: [String] = []
            while true {
                let page = try await store.readAll(after: cursor, limit: 3)
                if page.events.isEmpty { break }
                seen += page.events.map(\.type)
                cursor = page.next
            }
            #expect(seen == ["TodoCreated", "TodoRenamed", "OrderPlaced", "OrderPaid"])
            // Filters
            let acme = try await store.readAll(after: .start, filter: LogFilter(tenantID: "acme"))
            #expect(acme.events.map(\.type) == ["TodoCreated", "TodoRenamed", "OrderPaid"])
            let orders = try await store.readAll(after: .start, filter: LogFilter(categories: ["order"]))
            #expect(orders.events.map(\.type) == ["OrderPlaced", "OrderPaid"])
            let typed = try await store.readAll(after: .start, filter: LogFilter(tenantID: "acme", eventTypes: ["OrderPaid", "TodoCreated"]))
            #expect(typed.events.map(\.type) == ["TodoCreated", "OrderPaid"])
            // From a global position
            let second = try #require(acme.events.dropFirst().first)
            let start = try #require(try await store.logPosition(ofEventAt: second.position))
            #expect(try await store.readAll(after: start).events.map(\.type) == ["OrderPlaced", "OrderPaid"])
            #expect(try await store.logPosition(ofEventAt: 999_999) == nil)
        }
    }

    @Test("page sizes outside the allowed range are refused")
    func pageLimits() async throws {
        try await withFreshStore { store, _ in
            for limit in [0, -1, 50_001] {
                let error = await #expect(throws: EventStoreError.self) { try await store.readAll(after: .start, limit: limit) }
                #expect(error?.code == .invalidArgument)
            }
        }
    }

    @Test("the events table refuses updates and deletes")
    func appendOnly() async throws {
        try await withFreshStore { store, _ in
            let appended = try await store.append(to: Fixtures.stream(), expected: .any, events: Fixtures.events(1))
            try await store.waitUntilReadable(appended.transactionID)
            await #expect(throws: (any Error).self) {
                try await store.client.query("UPDATE events SET type = 'X'")
            }
            await #expect(throws: (any Error).self) {
                try await store.client.query("DELETE FROM events")
            }
            #expect(try await store.readAll(after: .start).events.count == 1)
        }
    }
}
