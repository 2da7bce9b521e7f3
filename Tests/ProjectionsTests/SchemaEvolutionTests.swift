import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import Testing
import TidemarkTestSupport

@Suite("Event schema evolution: read models of a log that mixes version-1 and version-2 events")
struct SchemaEvolutionTests {
    @Test("the todos projection reads version-1 rows as the version-1 build did, applies version-2 events on top, and a rebuild gives the same rows")
    func mixedLog() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            var logger = Logger(label: "schema-evolution")
            logger.logLevel = .warning
            // Given the version-1 log, inserted with plain SQL exactly as the old build wrote it.
            try await SchemaV1Log.insert(into: store.client, logger: logger)
            var old: [RecordedEvent] = []
            try await eventually("the inserted rows are readable") {
                old = try await store.readAll(after: .start, limit: 1000).events
                return old.count == SchemaV1Log.events.count
            }

            // And version-2 events decided on top of it: the open todo (created as v1) gets a new
            // due date, and a new todo is created with a due date.
            let tenant = try #require(TenantID(SchemaV1Log.tenantID))
            let owner = try #require(UserID(SchemaV1Log.userID))
            let openID = try #require(TodoID(SchemaV1Log.openTodoID))
            let principal = Principal.user(owner, tenantID: tenant)
            let stream = try StreamName(Todo.streamName(for: openID))
            let past = try old.filter { $0.stream == stream }.map {
                try TodoEvent.decode(eventType: $0.type, schemaVersion: $0.schemaVersion, data: $0.data)
            }
            let now = try #require(WireDate.date(from: "2027-01-02T10:00:00.000Z"))
            let context = CommandContext(principal: principal, now: now)
            let newDue = try #require(WireDate.date(from: "2027-02-01T08:00:00.000Z"))
            let changed = try Todo.decide(.changeDueDate(openID, newDue), state: Todo.fold(past), context: context)
            let newID = TodoID()
            let created = try Todo.decide(
                .create(newID, tenantID: tenant, ownerID: owner, TodoDraft(title: "Repot the fern", dueDate: newDue)), state: nil, context: context)
            let metadata = EventMetadata(tenantID: tenant.description, actorID: owner.description)
            func data(_ events: [TodoEvent]) throws -> [EventData] {
                try events.map { EventData(type: $0.eventType, schemaVersion: $0.schemaVersion, data: try $0.encodedData(), metadata: metadata) }
            }
            #expect((changed + created).map(\.schemaVersion) == [2, 2])
            _ = try await store.append(to: stream, expected: .exact(2), events: try data(changed))
            let last = try await store.append(to: try StreamName(Todo.streamName(for: newID)), expected: .exact(0), events: try data(created))
            try await store.waitUntilReadable(last.transactionID)
            let events = try await store.readAll(after: .start, limit: 1000).events
            let v1Count = old.count
            #expect(events.count == v1Count + 2)

            // When the todos projection applies the log live, in batches, in a schema of its own.
            let projection = TodosProjection()
            let (afterV1, live) = try await store.client.withConnection { connection in
                let db = ReadModelDatabase(connection: connection, logger: logger)
                try await db.create("live_copy", for: [projection])
                try await db.apply(projection, Array(events.prefix(v1Count)), batchesOf: 4, in: "live_copy")
                var afterV1: [String] = []
                // `personal_data` came after the version-1 build (todos projection version 3): it is
                // false for every version-1 row, then left out of the comparison.
                let sql = "SELECT (to_jsonb(t) - 'last_position' - 'personal_data')::text FROM live_copy.todos t WHERE NOT personal_data ORDER BY todo_id"
                for try await line in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) {
                    afterV1.append(line)
                }
                try await db.apply(projection, Array(events.dropFirst(v1Count)), in: "live_copy")
                return (afterV1, try await db.dump(projection, in: "live_copy"))
            }

            // Then the version-1 part gives exactly the rows the version-1 build projected.
            #expect(afterV1 == SchemaV1Log.todosRows)
            // And the version-2 events are applied on top: a new due date, and the new todo.
            let todos = live.filter { $0.hasPrefix("todos ") }
            #expect(todos.count == 4)
            let open = try #require(todos.first { $0.contains(SchemaV1Log.openTodoID) })
            #expect(open.contains(#""due_at": "2027-02-01T08:00:00+00:00""#) && open.contains(#""title": "Water the plants""#), "\(open)")
            let repot = try #require(todos.first { $0.contains(newID.description) })
            #expect(repot.contains(#""due_at": "2027-02-01T08:00:00+00:00""#), "\(repot)")

            // And a rebuild from the whole log (blue/green) gives the same rows.
            let report = try await ProjectionRebuilder(projection: projection, store: store, database: database.url, logger: logger).rebuild()
            #expect(report.version == projection.version)
            let rebuilt = try await store.client.withConnection { connection in
                try await ReadModelDatabase(connection: connection, logger: logger).dump(projection, in: "read")
            }
            #expect(RebuildEquivalenceTests.comparable(rebuilt) == RebuildEquivalenceTests.comparable(live))
        }
    }
}
