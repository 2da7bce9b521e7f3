import Foundation
import GRDB
import SyncProtocol
import Testing

@testable import SyncClient

@Suite("Replica schema")
struct ReplicaSchemaTests {
    @Test("migration creates one readable table per entity plus the queue, rejections, server rows and state")
    func migrationCreatesTables() async throws {
        // Given a new replica file
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        try replica.close()

        // When another connection reads its schema
        let queue = try DatabaseQueue(path: fixture.path)
        let tables = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }

        // Then every table exists
        for entity in SyncEntity.allCases { #expect(tables.contains(entity.rawValue)) }
        for table in ["server_rows", "mutations", "rejections", "sync_state"] { #expect(tables.contains(table)) }
    }

    @Test("generated columns read the row JSON, so plain SQL reads naturally")
    func generatedColumnsReadJSON() async throws {
        // Given a pulled todo and a pulled order
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let todo = ReplicaFixture.newID()
        let order = ReplicaFixture.newID()
        _ = try await replica.applyPullPage(
            ReplicaFixture.page([
                ReplicaFixture.upsert(.todos, todo, ReplicaFixture.serverTodo(todo, title: "Water plants", status: "completed")),
                ReplicaFixture.upsert(
                    .orders, order,
                    .object([
                        "order_id": .string(order), "status": "paid", "total_minor": .number(1250), "currency": "EUR",
                        "items": .array([]),
                    ])),
            ]))

        // When SQL selects generated columns
        let (title, status, total) = try await replica.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT title, status FROM todos WHERE todo_id = ?", arguments: [todo])
            let total = try Int.fetchOne(db, sql: "SELECT total_minor FROM orders WHERE status = 'paid'")
            return (row?["title"] as String?, row?["status"] as String?, total)
        }

        // Then they hold the JSON members
        #expect(title == "Water plants")
        #expect(status == "completed")
        #expect(total == 1250)
    }

    @Test("a new replica gets a device id and starts its sequence at 1, kept across reopening")
    func deviceIDIsStable() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let first = try await fixture.open()
        let deviceID = try #require(try await first.setting(.deviceID))
        #expect(UUID(uuidString: deviceID) != nil)
        #expect(try await first.setting(.nextSeq) == "1")
        try first.close()

        let second = try await fixture.open()
        #expect(try await second.setting(.deviceID) == deviceID)
    }
}

@Suite("Row JSON round trip")
struct RowRoundTripTests {
    @Test("numbers 0 and 1, booleans, nulls and nested arrays survive the replica unchanged")
    func roundTrip() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()
        let row: JSONValue = .object([
            "order_id": .string(id), "item_count": .number(1), "total_minor": .number(0), "archived": .bool(false),
            "read_at": .null, "items": .array([.object(["line_no": .number(1), "name": "Päckchen / 箱"])]),
        ])

        _ = try await replica.applyPullPage(ReplicaFixture.page([ReplicaFixture.upsert(.orders, id, row)]))

        #expect(try await replica.row(RowRef(.orders, id)) == row)
    }
}
