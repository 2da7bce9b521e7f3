import Domain
import EventStore
import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

/// The conflict rules of docs/sync.md, each decided on the server between two devices of a user.
@Suite("Conflict rules over real HTTP")
struct ConflictRuleTests {
    /// Two devices of one user, a todo both of them know.
    func twoDevices(_ h: SyncHarness) async throws -> (Session, Session, String) {
        _ = try await h.createTenant(code: "acme")
        let phone = try await h.signUp("ana", tenantCode: "acme")
        let laptop = try await h.signIn("ana", tenantCode: "acme")
        let todo = UUID().uuidString.lowercased()
        _ = try await phone.push([("todo.create", .object(["todo_id": .string(todo), "title": .string("Plan"), "description": .string("v1")]))])
        return (phone, laptop, todo)
    }

    func todoRow(_ session: Session, _ todo: String, until: @escaping (JSONValue) -> Bool) async throws -> JSONValue {
        var replica = Replica()
        var row: JSONValue = .null
        try await eventually("the todo reaches the state the rule promises") {
            try await session.pullAll(into: &replica)
            row = replica.rows(.todos)[todo] ?? .null
            return until(row)
        }
        return row
    }

    @Test("edits to different fields of one todo both survive")
    func differentFields() async throws {
        try await SyncHarness.with { h in
            let (phone, laptop, todo) = try await twoDevices(h)
            let a = try await phone.push([("todo.edit", .object(["todo_id": .string(todo), "title": .string("Plan trip")]))])
            let b = try await laptop.push([("todo.edit", .object(["todo_id": .string(todo), "description": .string("Lisbon, May")]))])
            #expect(a.results[0].status == .applied && b.results[0].status == .applied)
            let row = try await todoRow(laptop, todo) { $0["title"]?.stringValue == "Plan trip" && $0["description"]?.stringValue == "Lisbon, May" }
            #expect(row["priority"]?.stringValue == "medium")
        }
    }

    @Test("between edits of one field, the later in server order wins")
    func sameField() async throws {
        try await SyncHarness.with { h in
            let (phone, laptop, todo) = try await twoDevices(h)
            _ = try await laptop.push([("todo.edit", .object(["todo_id": .string(todo), "title": .string("from laptop"), "priority": .string("high")]))])
            _ = try await phone.push([("todo.edit", .object(["todo_id": .string(todo), "title": .string("from phone")]))])
            let row = try await todoRow(phone, todo) { $0["title"]?.stringValue == "from phone" }
            #expect(row["priority"]?.stringValue == "high")
            let events = try await h.store.readAll(stream: try StreamName("todo-\(todo)"))
            #expect(events.map(\.type) == ["TodoCreated", "TodoTitleChanged", "TodoPriorityChanged", "TodoTitleChanged"])
        }
    }

    @Test("an edit to a deleted todo is rejected as deleted")
    func editAfterDelete() async throws {
        try await SyncHarness.with { h in
            let (phone, laptop, todo) = try await twoDevices(h)
            #expect(try await phone.push([("todo.delete", .object(["todo_id": .string(todo)]))]).results[0].status == .applied)
            let edit = try await laptop.push([("todo.edit", .object(["todo_id": .string(todo), "title": .string("too late")]))])
            #expect(edit.results[0].status == .rejected)
            #expect(edit.results[0].code == "deleted")
            var replica = Replica()
            try await eventually("the laptop sees the tombstone") {
                try await laptop.pullAll(into: &replica)
                return replica.rows(.todos)[todo] == nil && replica.cursor != nil
            }
        }
    }

    @Test("order transitions follow the state machine")
    func orderTransitions() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let phone = try await h.signUp("ana", tenantCode: "acme")
            let laptop = try await h.signIn("ana", tenantCode: "acme")
            let order = UUID().uuidString.lowercased()
            let item: JSONValue = .object(["sku": .string("SKU-1"), "name": .string("Mug"), "quantity": .number(2), "unit_price_minor": .number(1250)])
            #expect(
                try await phone.push([("order.place", .object(["order_id": .string(order), "currency": .string("EUR"), "items": .array([item])]))]).results[0]
                    .status == .applied)
            #expect(
                try await laptop.push([("order.cancel", .object(["order_id": .string(order), "reason": .string("changed my mind")]))]).results[0].status
                    == .applied)
            let refund = try await phone.push([("order.request_refund", .object(["order_id": .string(order), "reason": .string("broken")]))])
            #expect(refund.results[0].code == "illegal_transition")
            let again = try await phone.push([("order.cancel", .object(["order_id": .string(order), "reason": .string("twice")]))])
            #expect(again.results[0].status == .rejected)
        }
    }

    @Test("read marks are idempotent across devices")
    func readMarks() async throws {
        try await SyncHarness.with { h in
            let tenant = try await h.createTenant(code: "acme")
            let phone = try await h.signUp("ana", tenantCode: "acme")
            let laptop = try await h.signIn("ana", tenantCode: "acme")
            let boss = try await h.signUp("boss", tenantCode: "acme")
            try await h.makeAdmin(boss.userID, tenant: tenant)
            let admin = try await h.signIn("boss", tenantCode: "acme")
            let note = UUID().uuidString.lowercased()
            _ = try await admin.push([
                (
                    "notification.send",
                    .object([
                        "notification_id": .string(note), "receivers": .array([.string(phone.userID)]),
                        "type": .string("info"), "title": .string("t"), "content": .string("c"),
                    ])
                )
            ])
            let first = try await phone.push([("notification.read", .object(["notification_id": .string(note)]))])
            let second = try await laptop.push([("notification.read", .object(["notification_id": .string(note)]))])
            #expect(first.results[0].status == .applied && first.results[0].positions.count == 1)
            #expect(second.results[0].status == .applied && second.results[0].positions.isEmpty)
        }
    }

    @Test("a member's write to an admin-only entity is rejected as forbidden")
    func adminOnly() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let order = UUID().uuidString.lowercased()
            let item: JSONValue = .object(["sku": .string("S"), "name": .string("Tea"), "quantity": .number(1), "unit_price_minor": .number(300)])
            _ = try await ana.push([("order.place", .object(["order_id": .string(order), "currency": .string("EUR"), "items": .array([item])]))])
            let results = try await ana.push([
                ("announcement.draft", .object(["announcement_id": .string(UUID().uuidString), "title": .string("x"), "body": .string("y")])),
                ("order.ship", .object(["order_id": .string(order)])),
                ("user.grant_role", .object(["user_id": .string(ana.userID), "role": .string("admin")])),
                ("tenant.rename", .object(["name": .string("Mine now")])),
            ]).results
            #expect(results.map(\.code) == ["forbidden", "forbidden", "forbidden", "forbidden"])
            // The REST form of the same write gets the same answer, as problem+json.
            let rest = try await h.call(.POST, "/v1/announcements", body: ["title": "x", "body": "y"], token: ana.token)
            #expect(rest.status == 403 && rest.code == "forbidden" && rest.contentType == "application/problem+json")
        }
    }
}
