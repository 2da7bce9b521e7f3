import SyncProtocol
import Testing

@testable import SyncClient

@Suite("Local effects")
struct LocalEffectsTests {
    let context = EffectContext(userID: ReplicaFixture.userID, tenantID: ReplicaFixture.tenantID)
    let at = "2025-03-04T05:06:07.000Z"

    @Test("order.place numbers the lines and computes totals")
    func orderPlaceTotals() throws {
        let id = ReplicaFixture.newID()
        let args: JSONValue = .object([
            "order_id": .string(id), "currency": "EUR",
            "items": .array([
                .object(["sku": "A", "name": "Apple", "quantity": .number(3), "unit_price_minor": .number(50)]),
                .object(["sku": "B", "name": "Bread", "quantity": .number(1), "unit_price_minor": .number(249)]),
            ]),
        ])
        #expect(LocalEffects.touchedRows(.orderPlace, args: args, context: context) == [RowRef(.orders, id)])

        let row = try #require(LocalEffects.apply(.orderPlace, args: args, at: at, context: context, to: nil))

        #expect(row["status"] == "pending")
        #expect(row["complaint_status"] == "none")
        #expect(row["customer_id"] == .string(ReplicaFixture.userID))
        #expect(row["total_minor"]?.int64Value == 399)
        #expect(row["item_count"]?.int64Value == 2)
        let items = try #require(row["items"]?.arrayValue)
        #expect(items.map { $0["line_no"]?.int64Value } == [1, 2])
        #expect(items.map { $0["line_total_minor"]?.int64Value } == [150, 249])
        #expect(row["placed_at"] == .string(at))
    }

    @Test("order transitions follow the state machine")
    func orderTransitions() {
        let id = ReplicaFixture.newID()
        let args: JSONValue = .object(["order_id": .string(id), "reason": "changed my mind"])
        func order(_ status: String) -> JSONValue { .object(["order_id": .string(id), "status": .string(status), "complaint_status": "none"]) }

        #expect(LocalEffects.apply(.orderCancel, args: args, at: at, context: context, to: order("pending"))?["status"] == "cancelled")
        #expect(LocalEffects.apply(.orderCancel, args: args, at: at, context: context, to: order("shipped"))?["status"] == "shipped")
        #expect(LocalEffects.apply(.orderRequestRefund, args: args, at: at, context: context, to: order("delivered"))?["status"] == "refund_requested")
        #expect(LocalEffects.apply(.orderRequestRefund, args: args, at: at, context: context, to: order("pending"))?["status"] == "pending")
        #expect(LocalEffects.apply(.orderFileComplaint, args: args, at: at, context: context, to: order("paid"))?["complaint_status"] == "open")
    }

    @Test("todo complete, reopen and cancel set status and their timestamps")
    func todoTransitions() throws {
        let id = ReplicaFixture.newID()
        let args: JSONValue = .object(["todo_id": .string(id)])
        let open = ReplicaFixture.serverTodo(id, title: "T")

        let completed = try #require(LocalEffects.apply(.todoComplete, args: args, at: at, context: context, to: open))
        #expect(completed["status"] == "completed")
        #expect(completed["completed_at"] == .string(at))
        // A cancelled todo cannot be completed: the row stays as it is.
        let cancelled = try #require(LocalEffects.apply(.todoCancel, args: args, at: at, context: context, to: open))
        #expect(cancelled["cancelled_at"] == .string(at))
        #expect(LocalEffects.apply(.todoComplete, args: args, at: at, context: context, to: cancelled)?["status"] == "cancelled")
        let reopened = try #require(LocalEffects.apply(.todoReopen, args: args, at: at, context: context, to: completed))
        #expect(reopened["status"] == "open")
        #expect(reopened["completed_at"] == .null)
        #expect(LocalEffects.apply(.todoDelete, args: args, at: at, context: context, to: open) == nil)
        #expect(LocalEffects.apply(.todoRestore, args: args, at: at, context: context, to: nil) == nil)
    }

    @Test("todo.edit merges only present members; null clears")
    func todoEditMerges() {
        let id = ReplicaFixture.newID()
        var before = ReplicaFixture.serverTodo(id, title: "T", description: "keep")
        if case .object(var members) = before {
            members["due_at"] = "2025-05-01T00:00:00Z"
            before = .object(members)
        }
        let args: JSONValue = .object(["todo_id": .string(id), "priority": "high", "due_at": .null])

        let after = LocalEffects.apply(.todoEdit, args: args, at: at, context: context, to: before)

        #expect(after?["priority"] == "high")
        #expect(after?["due_at"] == .null)
        #expect(after?["description"] == "keep")
        #expect(after?["title"] == "T")
        #expect(after?["updated_at"] == .string(at))
    }

    @Test("inbox, announcement, reminder, profile and device effects")
    func otherEffects() throws {
        let notification = ReplicaFixture.newID()
        let inbox: JSONValue = .object(["notification_id": .string(notification), "read_at": .null, "archived": .bool(false)])
        let readArgs: JSONValue = .object(["notification_id": .string(notification)])
        #expect(LocalEffects.apply(.notificationRead, args: readArgs, at: at, context: context, to: inbox)?["read_at"] == .string(at))
        #expect(LocalEffects.apply(.notificationArchive, args: readArgs, at: at, context: context, to: inbox)?["archived"] == .bool(true))

        let todo = ReplicaFixture.newID()
        let reminder = ReplicaFixture.newID()
        let schedule: JSONValue = .object([
            "todo_id": .string(todo), "reminder_id": .string(reminder), "kind": "due", "fire_at": "2025-06-01T09:00:00Z",
        ])
        #expect(LocalEffects.touchedRows(.reminderSchedule, args: schedule, context: context) == [RowRef(.reminders, "\(todo):\(reminder)")])
        let scheduled = try #require(LocalEffects.apply(.reminderSchedule, args: schedule, at: at, context: context, to: nil))
        #expect(scheduled["status"] == "scheduled")
        let cancelArgs: JSONValue = .object(["todo_id": .string(todo), "reminder_id": .string(reminder)])
        #expect(LocalEffects.apply(.reminderCancel, args: cancelArgs, at: at, context: context, to: scheduled)?["status"] == "cancelled")

        #expect(LocalEffects.touchedRows(.profileUpdate, args: .object([:]), context: context) == [RowRef(.profile, ReplicaFixture.userID)])
        #expect(LocalEffects.touchedRows(.profileUpdate, args: .object([:]), context: EffectContext()) == [])
        let profile: JSONValue = .object(["user_id": .string(ReplicaFixture.userID), "nickname": "old", "locale": "en"])
        let updated = LocalEffects.apply(.profileUpdate, args: .object(["nickname": "new"]), at: at, context: context, to: profile)
        #expect(updated?["nickname"] == "new")
        #expect(updated?["locale"] == "en")

        let device = ReplicaFixture.newID()
        let register: JSONValue = .object([
            "device_id": .string(device), "platform": "ios", "provider": "apns", "environment": "sandbox", "push_token": "tok",
        ])
        let registered = try #require(LocalEffects.apply(.deviceRegister, args: register, at: at, context: context, to: nil))
        #expect(registered["status"] == "active")
        #expect(registered["user_id"] == .string(ReplicaFixture.userID))
        let unregistered = LocalEffects.apply(.deviceUnregister, args: .object(["device_id": .string(device)]), at: at, context: context, to: registered)
        #expect(unregistered?["status"] == "unregistered")
    }

    @Test("admin mutations touch no rows")
    func adminHasNoEffect() {
        let args: JSONValue = .object(["order_id": .string(ReplicaFixture.newID())])
        #expect(LocalEffects.touchedRows(.orderShip, args: args, context: context).isEmpty)
        #expect(LocalEffects.touchedRows(.tenantRename, args: .object(["name": "x"]), context: context).isEmpty)
    }
}
