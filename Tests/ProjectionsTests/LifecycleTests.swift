import Domain
import EventStore
import Foundation
import Projections
import Testing
import TidemarkTestSupport

@Suite("Read models: lifecycles")
struct LifecycleTests {
    @Test("tenants: created, renamed, deactivated — the row stays with active = false")
    func tenants() async throws {
        var story = Story()
        try Stories.tenant(&story)
        let events = story.events
        try await withReadModels([TenantsProjection()]) { db, _ in
            try await db.apply(TenantsProjection(), events)
            let rows = try await db.rows("SELECT * FROM read.tenants")
            #expect(rows.count == 1)
            #expect(rows.first?["tenant_id"] == Cast.tenant.description)
            #expect(rows.first?["name"] == "Acme Corp")
            #expect(rows.first?["code"] == "acme")
            #expect(rows.first?["active"] == "false")
            #expect(rows.first?["deactivated_at"] != "NULL")
            #expect(rows.first?["last_position"] == "3")
        }
    }

    @Test("users: profile, roles granted and revoked, lock, soft delete; no password hash anywhere")
    func users() async throws {
        var story = Story()
        try Stories.users(&story)
        let events = story.events
        try await withReadModels([UsersProjection()]) { db, _ in
            try await db.apply(UsersProjection(), events)
            let users = try await db.rows("SELECT * FROM read.users ORDER BY username")
            #expect(users.map { $0["username"] } == ["alice", "bob"])
            let alice = try #require(users.first)
            #expect(alice["nickname"] == "Al")
            #expect(alice["locale"] == "de-CH")
            #expect(alice["time_zone"] == "Europe/Zurich")
            #expect(alice["password_changed_at"] != "NULL")
            #expect(alice["deleted"] == "false")
            let bob = try #require(users.last)
            #expect(bob["phone"] == "+41791234567")
            #expect(bob["status"] == "active")
            #expect(bob["deleted"] == "true")
            #expect(bob["deleted_at"] != "NULL")
            #expect(bob["last_position"] == String(events.count))

            let roles = try await db.rows("SELECT * FROM read.user_roles WHERE user_id = '\(Cast.alice)' ORDER BY role")
            try #require(roles.map { $0["role"] } == ["admin", "member"])
            #expect(roles[0]["active"] == "false")
            #expect(roles[0]["revoked_at"] != "NULL")
            #expect(roles[0]["revoked_by"] == Cast.boss.description)
            #expect(roles[1]["active"] == "true")

            let dump = try await db.dump(UsersProjection(), in: "read").joined()
            #expect(!dump.contains(Cast.hash1) && !dump.contains(Cast.hash2))
            #expect(
                try await db.count("SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'read' AND column_name LIKE '%password_hash%'")
                    == 0)
        }
    }

    @Test("todos: written to the log and read back; reminders; delete leaves a tombstone, restore revives it")
    func todos() async throws {
        var story = Story()
        try Stories.todosPhase1(&story)
        try Stories.todosPhase2(&story)
        let written = story
        try await withReadModels([TodosProjection()]) { db, store in
            let events = try await written.stored(in: store)
            try #require(events.count == written.events.count)
            try await db.apply(TodosProjection(), events)
            let todos = try await db.rows("SELECT * FROM read.todos ORDER BY todo_id")
            try #require(todos.count == 4)
            let first = todos[0]
            #expect(first["title"] == "Write the report")
            #expect(first["status"] == "completed")
            #expect(first["completed_at"] != "NULL")
            #expect(first["deleted"] == "true")
            #expect(first["deleted_at"] != "NULL")
            #expect(first["tags"] == #"["work", "q1"]"#)
            #expect(first["due_day"] == "2025-02-01")
            #expect(todos[1]["due_day"] == "2025-02-03")
            #expect(todos[2]["status"] == "cancelled")
            #expect(todos[2]["deleted"] == "false")
            #expect(todos[2]["deleted_at"] == "NULL")
            #expect(todos[3]["owner_id"] == Cast.bob.description)

            let reminders = try await db.rows("SELECT * FROM read.todo_reminders ORDER BY reminder_id")
            try #require(reminders.map { $0["status"] } == ["sent", "cancelled"])
            #expect(reminders[0]["sent_at"] != "NULL")
            #expect(reminders[1]["owner_id"] == Cast.alice.description)

            let maxPosition = try await db.count("SELECT max(last_position)::int FROM read.todos")
            #expect(maxPosition == events.count)
        }
    }

    @Test("todo_daily_summary: due and completed per user and UTC day; moved, cancelled and deleted todos")
    func dailySummary() async throws {
        var phase1 = Story()
        try Stories.todosPhase1(&phase1)
        var both = phase1
        try Stories.todosPhase2(&both)
        let first = phase1.events
        let second = Array(both.events[first.count...])
        try await withReadModels([TodosProjection()]) { db, _ in
            let summary = "SELECT user_id, day, tasks_due, completed, completion_rate FROM read.todo_daily_summary ORDER BY day, user_id"
            try await db.apply(TodosProjection(), first)
            // Alice on D: todos 1 and 2 are due (3 is cancelled), 1 is completed. Bob on D+1: todo 4.
            #expect(
                try await db.rows(summary) == [
                    ["user_id": Cast.alice.description, "day": "2025-02-01", "tasks_due": "2", "completed": "1", "completion_rate": "0.5000"],
                    ["user_id": Cast.bob.description, "day": "2025-02-02", "tasks_due": "1", "completed": "0", "completion_rate": "0.0000"],
                ])
            try await db.apply(TodosProjection(), second, batchesOf: 1)
            // Todo 2 moved to D+2, todo 1 deleted: Alice's D drops to zero and is removed; todo 3 is
            // restored but still cancelled, so it does not count.
            #expect(
                try await db.rows(summary) == [
                    ["user_id": Cast.bob.description, "day": "2025-02-02", "tasks_due": "1", "completed": "0", "completion_rate": "0.0000"],
                    ["user_id": Cast.alice.description, "day": "2025-02-03", "tasks_due": "1", "completed": "0", "completion_rate": "0.0000"],
                ])
            let tenants = try await db.rows("SELECT DISTINCT tenant_id FROM read.todo_daily_summary")
            #expect(tenants == [["tenant_id": Cast.tenant.description]])
        }
    }

    @Test("notifications: a receipt per receiver, read by one, archived for all")
    func notifications() async throws {
        var story = Story()
        try Stories.notifications(&story)
        let events = story.events
        try await withReadModels([NotificationsProjection()]) { db, _ in
            try await db.apply(NotificationsProjection(), events)
            let notification = try #require(try await db.rows("SELECT * FROM read.notifications").first)
            #expect(notification["archived"] == "true")
            #expect(notification["archived_by"] == Cast.boss.description)
            #expect(notification["sender_id"] == Cast.boss.description)
            #expect(notification["type"] == "order.shipped")
            let receipts = try await db.rows("SELECT * FROM read.notification_receipts ORDER BY receiver_id")
            try #require(receipts.map { $0["receiver_id"] } == [Cast.alice.description, Cast.bob.description])
            #expect(receipts[0]["read_at"] != "NULL")
            #expect(receipts[1]["read_at"] == "NULL")
            #expect(receipts.allSatisfy { $0["archived"] == "true" && $0["last_position"] == "3" })
        }
    }

    @Test("announcements: drafted, edited, published, read by two, archived")
    func announcements() async throws {
        var story = Story()
        try Stories.announcements(&story)
        let events = story.events
        try await withReadModels([AnnouncementsProjection()]) { db, _ in
            try await db.apply(AnnouncementsProjection(), events)
            let announcement = try #require(try await db.rows("SELECT * FROM read.announcements").first)
            #expect(announcement["title"] == "Hello")
            #expect(announcement["body"] == "Welcome, everyone")
            #expect(announcement["status"] == "archived")
            #expect(announcement["published_at"] == "NULL")
            #expect(announcement["archived_at"] != "NULL")
            #expect(announcement["last_position"] == "6")
            let reads = try await db.rows("SELECT reader_id, last_position FROM read.announcement_reads ORDER BY reader_id")
            #expect(
                reads == [
                    ["reader_id": Cast.alice.description, "last_position": "4"],
                    ["reader_id": Cast.bob.description, "last_position": "5"],
                ])
        }
    }

    @Test("orders: items, status history, a rejected and an approved refund, a resolved complaint, a cancellation")
    func orders() async throws {
        var story = Story()
        try Stories.orders(&story)
        let events = story.events
        try await withReadModels([OrdersProjection()]) { db, _ in
            try await db.apply(OrdersProjection(), events)
            let orders = try await db.rows("SELECT * FROM read.orders ORDER BY order_id")
            try #require(orders.count == 2)
            #expect(orders[0]["status"] == "refunded")
            #expect(orders[0]["currency"] == "EUR")
            #expect(orders[0]["total_minor"] == "5000")
            #expect(orders[0]["item_count"] == "2")
            #expect(orders[0]["refund_count"] == "2")
            #expect(orders[0]["complaint_status"] == "resolved")
            #expect(orders[0]["status_before_refund"] == "NULL")
            #expect(orders[1]["status"] == "cancelled")
            #expect(orders[1]["customer_id"] == Cast.bob.description)

            let items = try await db.rows("SELECT sku, quantity, line_total_minor FROM read.order_items WHERE order_id = '\(Stories.order)' ORDER BY line_no")
            #expect(
                items == [
                    ["sku": "MUG-1", "quantity": "2", "line_total_minor": "2500"],
                    ["sku": "TEE-M", "quantity": "1", "line_total_minor": "2500"],
                ])

            let history = try await db.rows(
                "SELECT seq, transition, from_status, to_status, reason FROM read.order_status_history WHERE order_id = '\(Stories.order)' ORDER BY seq")
            try #require(
                history.map { $0["transition"] ?? "" } == [
                    "place", "pay", "ship", "deliver", "file_complaint", "request_refund", "reject_refund",
                    "resolve_complaint", "request_refund", "approve_refund",
                ])
            #expect(
                history.map { "\($0["from_status"] ?? "")>\($0["to_status"] ?? "")" } == [
                    "NULL>pending", "pending>paid", "paid>shipped", "shipped>delivered", "delivered>delivered",
                    "delivered>refund_requested", "refund_requested>delivered", "delivered>delivered",
                    "delivered>refund_requested", "refund_requested>refunded",
                ])
            #expect(history[6]["reason"] == "Send a photo")
            let cancelled = try await db.rows(
                "SELECT transition, actor_id, reason FROM read.order_status_history WHERE order_id = '\(Stories.cancelledOrder)' ORDER BY seq")
            #expect(cancelled.last == ["transition": "cancel", "actor_id": Cast.bob.description, "reason": "Changed my mind"])

            let refunds = try await db.rows(
                "SELECT refund_no, status, amount_minor, request_reason, decision_reason FROM read.order_refunds ORDER BY refund_no")
            #expect(
                refunds == [
                    ["refund_no": "1", "status": "rejected", "amount_minor": "5000", "request_reason": "Broken", "decision_reason": "Send a photo"],
                    ["refund_no": "2", "status": "refunded", "amount_minor": "5000", "request_reason": "Photo attached", "decision_reason": "NULL"],
                ])
            let complaints = try await db.rows("SELECT complaint_no, status, order_status, reason, resolution FROM read.order_complaints")
            #expect(
                complaints == [
                    [
                        "complaint_no": "1", "status": "resolved", "order_status": "delivered",
                        "reason": "Mug arrived chipped", "resolution": "Replacement sent",
                    ]
                ])
        }
    }

    @Test("devices: token invalidated, updated again, then unregistered (tombstone)")
    func devices() async throws {
        var phase1 = Story()
        try Stories.devicesPhase1(&phase1)
        var both = phase1
        try Stories.devicesPhase2(&both)
        let first = phase1.events
        let second = Array(both.events[first.count...])
        try await withReadModels([DevicesProjection()]) { db, _ in
            try await db.apply(DevicesProjection(), first)
            let invalid = try #require(try await db.rows("SELECT * FROM read.devices").first)
            #expect(invalid["status"] == "invalid")
            #expect(invalid["invalid_reason"] == "BadDeviceToken")
            #expect(invalid["invalidated_at"] != "NULL")
            #expect(invalid["push_token"] == "tok-2")
            #expect(invalid["platform"] == "ios")
            #expect(invalid["app_version"] == "1.2.3")
            #expect(invalid["locale"] == "en-GB")
            try await db.apply(DevicesProjection(), second)
            let gone = try #require(try await db.rows("SELECT * FROM read.devices").first)
            #expect(gone["status"] == "unregistered")
            #expect(gone["push_token"] == "tok-3")
            #expect(gone["invalid_reason"] == "NULL")
            #expect(gone["unregistered_at"] != "NULL")
            #expect(gone["user_id"] == Cast.alice.description)
            #expect(gone["last_position"] == "5")
        }
    }
}
