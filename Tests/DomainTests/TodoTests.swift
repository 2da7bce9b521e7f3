import Foundation
import Testing

@testable import Domain

@Suite("Todo")
struct TodoTests {
    let id = TodoID(rawValue: UUID(uuid: (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    let r1 = ReminderID(rawValue: UUID(uuid: (4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    let r2 = ReminderID(rawValue: UUID(uuid: (4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)))
    let tenant = Fixture.tenant
    let alice = Fixture.aliceP

    func create(_ draft: TodoDraft = TodoDraft(title: "Buy milk")) -> TodoCommand {
        .create(id, tenantID: tenant, ownerID: Fixture.alice, draft)
    }

    var created: TodoState? {
        get throws { try given(Todo.self, [(create(), alice)]) }
    }

    var deleted: TodoState? {
        get throws { try given(Todo.self, [(create(), alice), (.scheduleReminder(id, r1, kind: .due, fireAt: Fixture.at(60)), alice), (.delete(id), alice)]) }
    }

    @Test("a member creates their own todo; title and tags are trimmed and tags deduplicated")
    func createTodo() throws {
        let due = Date(timeIntervalSince1970: 1_740_000_000.123_456)
        let draft = TodoDraft(
            title: "  Buy milk ", description: "2 litres", priority: .high, dueDate: due,
            tags: ["home", " home", "shop"], type: .daily)
        let events = try run(Todo.self, nil, create(draft), as: alice)
        #expect(
            events == [
                .created(
                    .init(
                        tenantID: tenant, todoID: id, ownerID: Fixture.alice, title: "Buy milk", description: "2 litres",
                        priority: .high, dueDate: WireDate.normalized(due), tags: ["home", "shop"], type: .daily, at: Fixture.t0))
            ])
        let state = try #require(Todo.fold(events))
        #expect(state.status == .open && !state.isDeleted && state.reminders.isEmpty)
    }

    @Test("todos cannot be created for someone else, in another tenant, anonymously, or twice")
    func createRefused() throws {
        expectRefusal(Todo.self, nil, create(), as: Fixture.bobP, .forbidden)
        expectRefusal(Todo.self, nil, create(), as: Fixture.adminP, .forbidden)
        expectRefusal(Todo.self, nil, create(), as: Principal.user(Fixture.alice, tenantID: Fixture.otherTenant), .forbidden)
        expectRefusal(Todo.self, nil, create(), as: .anonymous, .forbidden)
        expectRefusal(Todo.self, try created, create(), as: alice, .alreadyExists)
        #expect(try run(Todo.self, nil, create(), as: Fixture.systemP).count == 1)
    }

    @Test(
        "titles, descriptions and tags are validated",
        arguments: [
            TodoDraft(title: "   "), TodoDraft(title: String(repeating: "t", count: 201)),
            TodoDraft(title: "ok", description: String(repeating: "d", count: 10_001)),
            TodoDraft(title: "ok", tags: [""]), TodoDraft(title: "ok", tags: [String(repeating: "g", count: 51)]),
            TodoDraft(title: "ok", tags: (0..<21).map { "tag\($0)" }),
            TodoDraft(title: "ok", dueDate: Date(timeIntervalSince1970: 300_000_000_000)),
        ])
    func createInvalid(draft: TodoDraft) {
        expectRefusal(Todo.self, nil, create(draft), as: alice, .invalid)
    }

    @Test("twenty distinct tags are fine even when duplicates push the raw list past twenty")
    func tagLimit() throws {
        let tags = (0..<20).map { "tag\($0)" } + ["tag0", "tag1"]
        let events = try run(Todo.self, nil, create(TodoDraft(title: "ok", tags: tags)), as: alice)
        #expect(Todo.fold(events)?.tags.count == 20)
    }

    @Test("every field has its own change event, and setting the same value records nothing")
    func fieldChanges() throws {
        let state = try created
        let due = Fixture.at(3600)
        let cases: [(TodoCommand, TodoEvent, TodoCommand)] = [
            (
                .changeTitle(id, "Buy oat milk"), .titleChanged(.init(tenantID: tenant, todoID: id, title: "Buy oat milk", at: Fixture.t0)),
                .changeTitle(id, " Buy milk ")
            ),
            (
                .changeDescription(id, "soon"), .descriptionChanged(.init(tenantID: tenant, todoID: id, description: "soon", at: Fixture.t0)),
                .changeDescription(id, "")
            ),
            (.changePriority(id, .low), .priorityChanged(.init(tenantID: tenant, todoID: id, priority: .low, at: Fixture.t0)), .changePriority(id, .medium)),
            (.changeDueDate(id, due), .dueDateChanged(.init(tenantID: tenant, todoID: id, dueDate: due, at: Fixture.t0)), .changeDueDate(id, nil)),
            (.changeTags(id, ["a", "a", "b"]), .tagsChanged(.init(tenantID: tenant, todoID: id, tags: ["a", "b"], at: Fixture.t0)), .changeTags(id, [])),
            (.changeType(id, .daily), .typeChanged(.init(tenantID: tenant, todoID: id, type: .daily, at: Fixture.t0)), .changeType(id, .personal)),
        ]
        for (command, expected, same) in cases {
            #expect(try run(Todo.self, state, command, as: alice) == [expected])
            #expect(try run(Todo.self, state, same, as: alice).isEmpty, "\(same) should record nothing")
        }
        let all = try cases.flatMap { try run(Todo.self, state, $0.0, as: alice) }
        let after = try #require(Todo.fold(all, from: state))
        #expect(after.title == "Buy oat milk" && after.description == "soon" && after.priority == .low)
        #expect(after.dueDate == due && after.tags == ["a", "b"] && after.type == .daily)
    }

    @Test("concurrent edits of different fields both survive when both events are applied")
    func concurrentEdits() throws {
        let state = try created
        let mine = try run(Todo.self, state, .changeTitle(id, "Mine"), as: alice)
        let theirs = try run(Todo.self, state, .changePriority(id, .high), as: alice)
        let merged = Todo.fold(mine + theirs, from: state)
        #expect(merged?.title == "Mine" && merged?.priority == .high)
    }

    @Test("field changes are validated")
    func fieldChangesInvalid() throws {
        let state = try created
        expectRefusal(Todo.self, state, .changeTitle(id, ""), as: alice, .invalid)
        expectRefusal(Todo.self, state, .changeDescription(id, String(repeating: "x", count: 10_001)), as: alice, .invalid)
        expectRefusal(Todo.self, state, .changeTags(id, ["  "]), as: alice, .invalid)
        expectRefusal(Todo.self, state, .changeDueDate(id, Date(timeIntervalSince1970: -70_000_000_000)), as: alice, .invalid)
    }

    @Test("only the owner or the system changes a todo", arguments: [Fixture.bobP, Fixture.adminP, Fixture.foreignAdminP, Fixture.foreignSystemP, .anonymous])
    func changeForbidden(principal: Principal) throws {
        let state = try created
        let commands: [TodoCommand] = [
            .changeTitle(id, "x"), .changeDescription(id, "x"), .changePriority(id, .low), .changeDueDate(id, Fixture.t0),
            .changeTags(id, ["x"]), .changeType(id, .daily), .complete(id), .reopen(id), .cancel(id), .delete(id),
            .restore(id), .scheduleReminder(id, r1, kind: .due, fireAt: Fixture.t0), .cancelReminder(id, r1),
        ]
        for command in commands {
            expectRefusal(Todo.self, state, command, as: principal, .forbidden)
        }
    }

    @Test("commands on a todo that does not exist are refused with not_found")
    func notFound() {
        expectRefusal(Todo.self, nil, .changeTitle(id, "x"), as: alice, .notFound)
        expectRefusal(Todo.self, nil, .complete(id), as: alice, .notFound)
        expectRefusal(Todo.self, nil, .markReminderSent(id, r1), as: Fixture.systemP, .notFound)
    }

    @Test("complete, cancel and reopen follow the status rules")
    func statusChanges() throws {
        let open = try created
        let completedEvents = try run(Todo.self, open, .complete(id), as: alice)
        #expect(completedEvents == [.completed(.init(tenantID: tenant, todoID: id, actorID: Fixture.alice, at: Fixture.t0))])
        let completed = Todo.fold(completedEvents, from: open)
        #expect(completed?.status == .completed && completed?.completedAt == Fixture.t0)
        #expect(try run(Todo.self, completed, .complete(id), as: alice).isEmpty)
        expectRefusal(Todo.self, completed, .cancel(id), as: alice, .conflict)
        let cancelled = Todo.fold(try run(Todo.self, open, .cancel(id), as: alice), from: open)
        #expect(cancelled?.status == .cancelled)
        #expect(try run(Todo.self, cancelled, .cancel(id), as: alice).isEmpty)
        expectRefusal(Todo.self, cancelled, .complete(id), as: alice, .conflict)
        #expect(names(try run(Todo.self, cancelled, .reopen(id), as: alice)) == ["TodoReopened"])
        let reopened = Todo.fold(try run(Todo.self, completed, .reopen(id), as: alice), from: completed)
        #expect(reopened?.status == .open && reopened?.completedAt == nil)
        #expect(try run(Todo.self, open, .reopen(id), as: alice).isEmpty)
    }

    @Test("deleting a todo cancels its scheduled reminders first; restoring brings the todo back")
    func deleteAndRestore() throws {
        let withReminders = try given(
            Todo.self,
            [
                (create(), alice), (.scheduleReminder(id, r2, kind: .due, fireAt: Fixture.at(60)), alice),
                (.scheduleReminder(id, r1, kind: .daily, fireAt: Fixture.at(90)), alice),
            ])
        let events = try run(Todo.self, withReminders, .delete(id), as: alice)
        #expect(names(events) == ["TodoReminderCancelled", "TodoReminderCancelled", "TodoDeleted"])
        let deleted = try #require(Todo.fold(events, from: withReminders))
        #expect(deleted.isDeleted && deleted.reminders.values.allSatisfy { $0.status == .cancelled })
        #expect(try run(Todo.self, deleted, .delete(id), as: alice).isEmpty)
        let restoredEvents = try run(Todo.self, deleted, .restore(id), as: alice)
        #expect(restoredEvents == [.restored(.init(tenantID: tenant, todoID: id, actorID: Fixture.alice, at: Fixture.t0))])
        #expect(Todo.fold(restoredEvents, from: deleted)?.isDeleted == false)
        #expect(try run(Todo.self, withReminders, .restore(id), as: alice).isEmpty)
    }

    @Test("editing, completing or scheduling on a deleted todo is refused with deleted")
    func deletedRefusals() throws {
        let state = try deleted
        let commands: [TodoCommand] = [
            .changeTitle(id, "x"), .changeDescription(id, "x"), .changePriority(id, .low), .changeDueDate(id, nil),
            .changeTags(id, []), .changeType(id, .daily), .complete(id), .reopen(id), .cancel(id),
            .scheduleReminder(id, r2, kind: .due, fireAt: Fixture.t0), .cancelReminder(id, r1),
        ]
        for command in commands {
            expectRefusal(Todo.self, state, command, as: alice, .deleted)
        }
        expectRefusal(Todo.self, state, .markReminderSent(id, r1), as: Fixture.systemP, .deleted)
    }

    @Test("reminders are scheduled, cancelled and marked sent with their own events")
    func reminders() throws {
        let state = try created
        let scheduled = try run(Todo.self, state, .scheduleReminder(id, r1, kind: .overdue, fireAt: Fixture.at(60)), as: alice)
        #expect(scheduled == [.reminderScheduled(.init(tenantID: tenant, todoID: id, reminderID: r1, kind: .overdue, fireAt: Fixture.at(60), at: Fixture.t0))])
        let withReminder = Todo.fold(scheduled, from: state)
        #expect(withReminder?.reminders[r1]?.status == .scheduled)
        expectRefusal(Todo.self, withReminder, .scheduleReminder(id, r1, kind: .due, fireAt: Fixture.t0), as: alice, .alreadyExists)
        expectRefusal(Todo.self, withReminder, .cancelReminder(id, r2), as: alice, .notFound)
        expectRefusal(Todo.self, withReminder, .markReminderSent(id, r2), as: Fixture.systemP, .notFound)
        expectRefusal(Todo.self, withReminder, .markReminderSent(id, r1), as: alice, .forbidden)
        expectRefusal(Todo.self, withReminder, .markReminderSent(id, r1), as: Fixture.foreignSystemP, .forbidden)

        let sentEvents = try run(Todo.self, withReminder, .markReminderSent(id, r1), as: Fixture.systemP)
        #expect(sentEvents == [.reminderSent(.init(tenantID: tenant, todoID: id, reminderID: r1, at: Fixture.t0))])
        let sent = Todo.fold(sentEvents, from: withReminder)
        #expect(try run(Todo.self, sent, .markReminderSent(id, r1), as: Fixture.systemP).isEmpty)
        expectRefusal(Todo.self, sent, .cancelReminder(id, r1), as: alice, .conflict)

        let cancelledEvents = try run(Todo.self, withReminder, .cancelReminder(id, r1), as: alice)
        #expect(names(cancelledEvents) == ["TodoReminderCancelled"])
        let cancelled = Todo.fold(cancelledEvents, from: withReminder)
        #expect(try run(Todo.self, cancelled, .cancelReminder(id, r1), as: alice).isEmpty)
        expectRefusal(Todo.self, cancelled, .markReminderSent(id, r1), as: Fixture.systemP, .conflict)
    }

    @Test("a todo holds at most fifty scheduled reminders")
    func reminderLimit() throws {
        var state = try created
        for index in 0..<Todo.maxScheduledReminders {
            state = Todo.fold(
                try run(Todo.self, state, .scheduleReminder(id, ReminderID(), kind: .daily, fireAt: Fixture.at(Double(index))), as: alice), from: state)
        }
        expectRefusal(Todo.self, state, .scheduleReminder(id, ReminderID(), kind: .daily, fireAt: Fixture.t0), as: alice, .conflict)
    }
}
