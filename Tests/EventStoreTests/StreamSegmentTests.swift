import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

/// Migration 2 (stream segments) on a database written by migration 1, and the trigger's rules.
@Suite("Stream segments")
struct StreamSegmentTests {
    @Test("a log written before migration 2 reads, appends and conflicts the same after it")
    func upgradeFromVersionOne() async throws {
        let database = try await TestDatabase.create()
        defer { Task { try? await database.drop() } }
        try await withStore(url: database.url) { store in
            _ = try await Migrator(migrations: [EventStoreMigrations.all[0]]).migrate(client: store.client, logger: store.logger)
            // The v1 schema, written as v1 code wrote it: three transactions on todo-a (one of
            // them two statements), one on todo-b, interleaved.
            let insert = """
                INSERT INTO events (event_id, stream, stream_version, tenant_id, type, schema_version, data, metadata)
                SELECT gen_random_uuid(), $1, v, 't-1', 'Noted', 1, jsonb_build_object('v', v), '{}'::jsonb
                FROM generate_series($2::int8, $3::int8) AS v
                """
            func write(_ parts: [(String, Int64, Int64)]) async throws {
                try await store.client.withTransaction(logger: store.logger) { connection in
                    for (stream, from, to) in parts {
                        var bindings = PostgresBindings()
                        bindings.append(stream)
                        bindings.append(from)
                        bindings.append(to)
                        _ = try await connection.query(PostgresQuery(unsafeSQL: insert, binds: bindings), logger: store.logger)
                    }
                }
            }
            try await write([("todo-a", 1, 3)])
            try await write([("todo-b", 1, 2), ("todo-a", 4, 4)])
            try await write([("todo-a", 5, 6), ("todo-a", 7, 9)])

            let report = try await store.migrate()
            #expect(report.applied.contains { $0.component == "eventstore" && $0.version == 2 })
            let segments = try await store.client.query(
                "SELECT stream, first_version, last_version FROM stream_segments ORDER BY stream, first_version"
            )
            var found: [String] = []
            for try await (stream, first, last) in segments.decode((String, Int64, Int64).self) { found.append("\(stream):\(first)-\(last)") }
            #expect(found == ["todo-a:1-3", "todo-a:4-4", "todo-a:5-9", "todo-b:1-2"])

            let a = try StreamName("todo-a")
            #expect(try await store.version(of: a) == 9)
            #expect(try await store.read(stream: a).map(\.streamVersion) == Array(1...9))
            #expect(try await store.read(stream: a, from: 5, limit: 3).map(\.streamVersion) == [5, 6, 7])
            #expect(try await store.read(stream: a, from: 4, direction: .backwards, limit: 10).map(\.streamVersion) == [4, 3, 2, 1])
            #expect(try await store.read(stream: a, from: 10).isEmpty)
            let written = try await store.append(to: a, expected: .exact(9), events: [Fixtures.event()])
            #expect(written.streamVersion == 10)
            let stale = await #expect(throws: EventStoreError.self) {
                try await store.append(to: a, expected: .exact(4), events: [Fixtures.event()])
            }
            #expect(stale?.code == .versionConflict)
            let both = try await store.readAll(streams: [a, try StreamName("todo-b"), try StreamName("todo-none")])
            #expect(both[a]?.map(\.streamVersion) == Array(1...10))
            #expect(both[try StreamName("todo-b")]?.count == 2)
            #expect(both[try StreamName("todo-none")]?.isEmpty == true)
            try await store.waitUntilReadable(written.transactionID, timeout: .seconds(30))
            let page = try await store.readAll(after: .start, limit: 100)
            #expect(page.events.count == 12)
        }
        try await database.drop()
    }

    @Test("a statement that gives a stream versions with a gap or a repeat, starts inside a segment, or names another category, is refused")
    func trigger() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            _ = try await store.append(to: stream, expected: .noStream, events: Fixtures.events(3))
            func insert(_ versions: [Int64]) async throws {
                var bindings = PostgresBindings()
                bindings.append(stream.rawValue)
                bindings.append(versions)
                _ = try await store.client.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO events (event_id, stream, category, stream_version, type, schema_version, data, metadata)
                    SELECT gen_random_uuid(), $1, split_part($1, '-', 1), v, 'Noted', 1, '{}', '{}' FROM unnest($2::int8[]) AS v
                    """, binds: bindings), logger: store.logger)
            }
            // A gap inside the statement, a repeat, a gap after the head, a start inside 1-3.
            for versions: [Int64] in [[4, 6], [4, 4], [4, 5, 5], [5], [2, 3]] {
                let error = await #expect(throws: PSQLError.self) { try await insert(versions) }
                #expect(error?.serverInfo?[.constraintName] == "stream_segments_contiguous")
            }
            let wrongCategory = await #expect(throws: PSQLError.self) {
                _ = try await store.client.query("""
                    INSERT INTO events (event_id, stream, category, stream_version, type, schema_version, data, metadata)
                    VALUES (gen_random_uuid(), \(stream.rawValue), 'other', 4, 'Noted', 1, '{}', '{}')
                    """, logger: store.logger)
            }
            #expect(wrongCategory?.serverInfo?[.constraintName] == "events_category_of_stream")
            let overlap = await #expect(throws: PSQLError.self) { try await insert([1, 2]) }
            #expect(overlap?.serverInfo?[.constraintName] == "stream_segments_pkey")
            // Nothing of the refused statements was kept.
            #expect(try await store.read(stream: stream).map(\.streamVersion) == [1, 2, 3])
            try await insert([4, 5])
            #expect(try await store.version(of: stream) == 5)
        }
    }
}
