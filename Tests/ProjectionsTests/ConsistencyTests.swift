import Domain
import EventStore
import Foundation
import Projections
import Testing
import TidemarkTestSupport

@Suite("Read models: batching, failures, table shapes")
struct ConsistencyTests {
    @Test("ReadModels.all lists the seven projections in order, each reading only its aggregate's events")
    func registry() {
        #expect(ReadModels.all.map(\.name) == ["tenants", "users", "todos", "notifications", "announcements", "orders", "devices"])
        #expect(ReadModels.all.allSatisfy { $0.version == ["devices": 2, "todos": 3][$0.name, default: 1] })
        // The todos projection also reads `UserErased`: the texts of todos marked personal data are erased.
        #expect(Set(TodosProjection().eventTypes ?? []) == Set(TodoEvent.eventTypes.keys).union(["UserErased"]))
        #expect(Set(OrdersProjection().eventTypes ?? []) == Set(OrderEvent.eventTypes.keys))
    }

    @Test("one batch and batches of 1 and of 4 build identical tables", arguments: [1, 4])
    func batching(size: Int) async throws {
        let events = try Stories.everything().events
        try await withReadModels(ReadModels.all) { db, _ in
            try await db.create("read_small", for: ReadModels.all)
            for projection in ReadModels.all {
                try await db.apply(projection, events)
                try await db.apply(projection, events, batchesOf: size, in: "read_small")
                let whole = try await db.dump(projection, in: "read")
                let small = try await db.dump(projection, in: "read_small")
                #expect(!whole.isEmpty, "\(projection.name) wrote nothing")
                #expect(whole == small, "\(projection.name) differs between batch sizes")
            }
        }
    }

    @Test("an event for a row that does not exist throws naming the event, and the batch rolls back")
    func unknownRow() async throws {
        let events = try Stories.everything().events
        let cases: [(any Projection, String)] = [
            (TenantsProjection(), "TenantRenamed"), (UsersProjection(), "UserLocked"), (TodosProjection(), "TodoCompleted"),
            (TodosProjection(), "TodoReminderSent"), (NotificationsProjection(), "NotificationRead"),
            (AnnouncementsProjection(), "AnnouncementPublished"), (AnnouncementsProjection(), "AnnouncementRead"),
            (OrdersProjection(), "OrderPaid"), (OrdersProjection(), "OrderRefunded"), (DevicesProjection(), "DeviceTokenUpdated"),
        ]
        try await withReadModels(ReadModels.all) { db, _ in
            for (projection, type) in cases {
                let event = try #require(events.first { $0.type == type })
                let error = await #expect(throws: ReadModelError.self) {
                    try await db.apply(projection, [event])
                }
                #expect(error?.code == .missingRow)
                #expect(error?.eventType == type)
                #expect(error?.position == event.position)
                #expect(try await db.dump(projection, in: "read").isEmpty)
            }
        }
    }

    @Test("an event whose payload does not decode throws undecodable")
    func undecodable() async throws {
        var event = try #require(try Stories.everything().events.first { $0.type == "TodoCreated" })
        event.data = Data(#"{"tenantID":"nope"}"#.utf8)
        let broken = event
        try await withReadModels([TodosProjection()]) { db, _ in
            let error = await #expect(throws: ReadModelError.self) {
                try await db.apply(TodosProjection(), [broken])
            }
            #expect(error?.code == .undecodable)
        }
    }

    @Test("every table: ReadTable columns match the DDL in order; tenant_id and last_position NOT NULL; indexes")
    func tableShapes() async throws {
        try await withReadModels(ReadModels.all) { db, _ in
            for projection in ReadModels.all {
                for table in projection.tables {
                    let columns = try await db.rows(
                        """
                        SELECT column_name, is_nullable FROM information_schema.columns
                        WHERE table_schema = 'read' AND table_name = '\(table.name)' ORDER BY ordinal_position
                        """)
                    #expect(columns.map { $0["column_name"] ?? "" } == table.columns, "\(table.name)")
                    for required in ["tenant_id", "last_position"] {
                        #expect(columns.contains { $0["column_name"] == required && $0["is_nullable"] == "NO" }, "\(table.name).\(required)")
                    }
                    let indexes = try await db.count(
                        "SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'read' AND tablename = '\(table.name)' AND indexdef LIKE '%last_position%'")
                    #expect(indexes >= 1, "\(table.name) has no last_position index")
                }
            }
        }
    }
}
