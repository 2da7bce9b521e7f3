import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

/// Migrations 2 (primary key `(transaction_id, position)`, a written category) and 3 (stream
/// numbers) on a database written by migration 1, and the rules the table keeps.
@Suite("Event log layout, migrations 2 and 3")
struct LogLayoutMigrationTests {
    @Test("a log written before migrations 2 and 3 reads, appends and conflicts the same after them")
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
            #expect(report.applied.contains { $0.component == "eventstore" && $0.version == 3 })
            let keys = try await store.client.query(
                """
                SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conrelid = 'events'::regclass AND conname IN ('events_pkey', 'events_category_of_stream')
                ORDER BY conname
                """)
            var found: [String] = []
            for try await (name, definition) in keys.decode((String, String).self) { found.append("\(name): \(definition)") }
            #expect(
                found == [
                    "events_category_of_stream: CHECK ((category = split_part(stream, '-'::text, 1)))",
                    "events_pkey: PRIMARY KEY (transaction_id, \"position\")",
                ])
            let indexes = try await store.client.query(
                """
                SELECT indexname::text, indexdef FROM pg_indexes
                WHERE tablename = 'events' AND indexname IN ('events_stream_first_key', 'events_stream_version_key')
                ORDER BY indexname
                """)
            var indexed: [String] = []
            for try await (name, definition) in indexes.decode((String, String).self) {
                indexed.append("\(name): \(definition.components(separatedBy: " USING ").last ?? definition)")
            }
            #expect(
                indexed == [
                    "events_stream_first_key: btree (stream) WHERE (stream_version = 1)",
                    "events_stream_version_key: btree (stream_id, stream_version) WHERE (stream_version > 1)",
                ])
            // Every event of a stream carries the stream's one number; two streams, two numbers.
            let numbers = try await store.client.query(
                "SELECT stream, count(DISTINCT stream_id), min(stream_id) FROM events GROUP BY stream ORDER BY stream"
            )
            var numbered: [String: Int64] = [:]
            for try await (stream, distinct, number) in numbers.decode((String, Int64, Int64).self) {
                #expect(distinct == 1)
                numbered[stream] = number
            }
            #expect(numbered.count == 2 && Set(numbered.values).count == 2)
            // The append-only rule is back on after the migration's own update.
            await #expect(throws: PSQLError.self) { try await store.client.query("UPDATE events SET type = 'X'") }
            // Look-ups by position alone still find their event.
            let first = try await store.read(stream: try StreamName("todo-b"))[0]
            #expect(try await store.logPosition(ofEventAt: first.position) == first.logPosition)
            #expect(try await store.status().head >= first.position)
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

    @Test("migration 3 on a log with a stream that has no first event fails and keeps nothing of itself")
    func numberingNeedsFirstEvents() async throws {
        let database = try await TestDatabase.create()
        defer { Task { try? await database.drop() } }
        try await withStore(url: database.url) { store in
            _ = try await Migrator(migrations: Array(EventStoreMigrations.all[0...1])).migrate(client: store.client, logger: store.logger)
            // A stream whose events start at version 2: the store never writes one, a hand-made import could.
            _ = try await store.client.query(
                """
                INSERT INTO events (event_id, stream, category, stream_version, type, schema_version, data, metadata)
                VALUES (gen_random_uuid(), 'todo-a', 'todo', 1, 'Noted', 1, '{}', '{}'),
                       (gen_random_uuid(), 'todo-orphan', 'todo', 2, 'Noted', 1, '{}', '{}')
                """)
            let failure = await #expect(throws: EventStoreError.self) { try await store.migrate() }
            #expect(failure?.code == .migrationFailed)
            // Still the v2 table: no stream number, no partial indexes, the old key, both rows.
            let state = try await store.client.query(
                """
                SELECT (SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'stream_id'),
                       (SELECT count(*) FROM pg_indexes WHERE indexname = 'events_stream_first_key'),
                       (SELECT count(*) FROM pg_constraint WHERE conname = 'events_stream_version_key'),
                       (SELECT max(version) FROM tidemark_migrations WHERE component = 'eventstore'),
                       (SELECT count(*) FROM events)
                """)
            for try await (column, firstKey, oldKey, version, rows) in state.decode((Int64, Int64, Int64, Int32, Int64).self) {
                #expect(column == 0 && firstKey == 0 && oldKey == 1)
                #expect(version == 2)
                #expect(rows == 2)
            }
            // The append-only rule holds: the migration's trigger switch went with its rollback.
            await #expect(throws: PSQLError.self) { try await store.client.query("DELETE FROM events") }
        }
        try await database.drop()
    }

    @Test("a version taken twice, or a category that is not the stream's prefix, is refused and keeps nothing")
    func tableRules() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream()
            _ = try await store.append(to: stream, expected: .noStream, events: Fixtures.events(3))
            // Rows written by hand carry the stream's number, or a new one (`renumber`).
            func insert(_ versions: [Int64], category: String? = nil, renumber: Bool = false) async throws {
                var bindings = PostgresBindings()
                bindings.append(stream.rawValue)
                bindings.append(versions)
                bindings.append(category ?? stream.category)
                bindings.append(renumber)
                _ = try await store.client.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO events (event_id, stream, stream_id, category, stream_version, type, schema_version, data, metadata)
                            SELECT gen_random_uuid(), $1,
                                   CASE WHEN $4 THEN nextval('events_stream_id_seq')
                                        ELSE (SELECT stream_id FROM events WHERE stream = $1 AND stream_version = 1) END,
                                   $3, v, 'Noted', 1, '{}', '{}' FROM unnest($2::int8[]) AS v
                            """, binds: bindings), logger: store.logger)
            }
            let taken = await #expect(throws: PSQLError.self) { try await insert([4, 2]) }
            #expect(taken?.serverInfo?[.constraintName] == "events_stream_version_key")
            let wrongCategory = await #expect(throws: PSQLError.self) { try await insert([4], category: "other") }
            #expect(wrongCategory?.serverInfo?[.constraintName] == "events_category_of_stream")
            // A second stream of the same name (a new number, version 1 again) is refused too.
            let twice = await #expect(throws: PSQLError.self) { try await insert([1], renumber: true) }
            #expect(twice?.serverInfo?[.constraintName] == "events_stream_first_key")
            #expect(try await store.read(stream: stream).map(\.streamVersion) == [1, 2, 3])
            try await insert([4, 5])
            #expect(try await store.version(of: stream) == 5)
            #expect(try await store.read(stream: stream).map(\.type).suffix(2) == ["Noted", "Noted"])
        }
    }
}
