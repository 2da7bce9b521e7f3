import Foundation
import Testing

@testable import Domain

/// A todo whose owner marks its texts as personal data: its text events name the owner in
/// `personalDataOwnerID` (the member the sealing rule keys on), for the todo's whole life.
@Suite("Todo marked as personal data")
struct PersonalTodoTests {
    let id = TodoID(rawValue: UUID(uuid: (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9)))

    func create(personal: Bool) -> TodoCommand {
        .create(id, tenantID: Fixture.tenant, ownerID: Fixture.alice, TodoDraft(title: "See the doctor", containsPersonalData: personal))
    }

    @Test("a personal todo's creation and text changes name the owner; other changes do not")
    func personalEvents() throws {
        let events = try run(Todo.self, nil, create(personal: true), as: Fixture.aliceP)
        guard case .created(let created) = try #require(events.first) else {
            Issue.record("not a creation")
            return
        }
        #expect(created.personalDataOwnerID == Fixture.alice)
        let state = try #require(Todo.fold(events))
        #expect(state.containsPersonalData && state.personalDataOwnerID == Fixture.alice)

        let edit = TodoEdit(title: "See the dentist", description: "Thursday", priority: .high)
        let changes = try run(Todo.self, state, .edit(id, edit), as: Fixture.aliceP)
        #expect(changes.count == 3)
        for change in changes {
            switch change {
            case .titleChanged(let payload): #expect(payload.personalDataOwnerID == Fixture.alice)
            case .descriptionChanged(let payload): #expect(payload.personalDataOwnerID == Fixture.alice)
            case .priorityChanged: break
            default: Issue.record("unexpected \(change)")
            }
        }
    }

    @Test("an ordinary todo's events carry no owner member, so they are stored as before")
    func ordinaryEvents() throws {
        let events = try run(Todo.self, nil, create(personal: false), as: Fixture.aliceP)
        let state = try #require(Todo.fold(events))
        #expect(!state.containsPersonalData && state.personalDataOwnerID == nil)
        let data = try #require(try events.first?.encodedData())
        #expect(!String(decoding: data, as: UTF8.self).contains("personalDataOwnerID"))
        let renamed = try run(Todo.self, state, .changeTitle(id, "Walk"), as: Fixture.aliceP)
        #expect(renamed == [.titleChanged(.init(tenantID: Fixture.tenant, todoID: id, title: "Walk", at: Fixture.t0))])
    }

    @Test("an event written before the mark existed reads as an ordinary todo")
    func oldShape() throws {
        let old =
            #"{"at":"2026-01-01T00:00:00.000Z","description":"","ownerID":"\#(Fixture.alice)","priority":"low","tags":[],"tenantID":"\#(Fixture.tenant)","title":"Old","todoID":"\#(id)","type":"personal"}"#
        let event = try TodoEvent.decode(eventType: "TodoCreated", schemaVersion: 2, data: Data(old.utf8))
        #expect(Todo.evolve(nil, event)?.containsPersonalData == false)
    }
}
