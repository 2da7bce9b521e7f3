import Foundation
import Testing

@testable import Domain

@Suite("User erasure")
struct UserErasureTests {
    let id = Fixture.alice
    let tenant = Fixture.tenant

    var registered: UserState? {
        get throws {
            try given(
                User.self,
                [
                    (
                        .register(
                            id, tenantID: tenant, username: "alice", email: "alice@example.com", phone: "+41791234567",
                            passwordHash: Fixture.hash1, tenantIsActive: true), .anonymous
                    ),
                    (.updateProfile(id, ProfileUpdate(nickname: "Al", avatarURL: "https://cdn.example.com/a.png")), Fixture.aliceP),
                ])
        }
    }

    @Test("an administrator or the system erases a user, also a deleted one: UserErased, personal fields erased, the record stays")
    func erase() throws {
        // Given Alice with a full profile
        let state = try registered
        // When an administrator erases her
        let events = try run(User.self, state, .erase(id), as: Fixture.adminP)
        // Then one UserErased names the actor, and her state keeps id, tenant, roles and status
        #expect(events == [.erased(.init(tenantID: tenant, userID: id, actorID: Fixture.boss, at: Fixture.t0))])
        let erased = try #require(User.fold(events, from: state))
        #expect(erased.isErased && erased.email == UserState.erasedValue && erased.username == UserState.erasedValue)
        #expect(erased.phone == nil && erased.nickname == nil && erased.avatarURL == nil)
        #expect(erased.id == id && erased.tenantID == tenant && erased.roles == [.member] && erased.status == .active)
        // And the system may erase too, also a deleted user; erasing twice records nothing
        let deleted = User.fold(try run(User.self, state, .delete(id), as: Fixture.adminP), from: state)
        #expect(try run(User.self, deleted, .erase(id), as: Fixture.systemP).count == 1)
        #expect(try run(User.self, erased, .erase(id), as: Fixture.adminP).isEmpty)
    }

    @Test("members (the user included), other tenants and anonymous callers may not erase; an unknown user is not_found")
    func refusals() throws {
        let state = try registered
        expectRefusal(User.self, state, .erase(id), as: Fixture.aliceP, .forbidden)
        expectRefusal(User.self, state, .erase(id), as: Fixture.bobP, .forbidden)
        expectRefusal(User.self, state, .erase(id), as: Fixture.foreignAdminP, .forbidden)
        expectRefusal(User.self, state, .erase(id), as: Fixture.foreignSystemP, .forbidden)
        expectRefusal(User.self, state, .erase(id), as: .anonymous, .forbidden)
        expectRefusal(User.self, nil, .erase(id), as: Fixture.adminP, .notFound)
    }

    @Test("after erasure the profile cannot be set again; other account commands still apply")
    func afterErasure() throws {
        let state = try registered
        let erased = User.fold(try run(User.self, state, .erase(id), as: Fixture.adminP), from: state)
        expectRefusal(User.self, erased, .updateProfile(id, ProfileUpdate(email: "new@example.com")), as: Fixture.aliceP, .conflict)
        #expect(try run(User.self, erased, .lock(id, reason: nil), as: Fixture.adminP).count == 1)
    }

    @Test("the personal fields are declared for the events that carry them")
    func personalFields() {
        #expect(UserEvent.personalFields["UserRegistered"] == PersonalFieldRule(["username", "email", "phone"], ownerField: "userID"))
        #expect(UserEvent.personalFields["UserProfileUpdated"] == PersonalFieldRule(["nickname", "avatarURL", "email", "phone"]))
        #expect(UserEvent.personalFields["UserErased"] == nil)
        #expect(TodoEvent.personalFields["TodoCreated"] == PersonalFieldRule(["title", "description"], ownerField: "personalDataOwnerID"))
        #expect(TodoEvent.personalFields["TodoTagsChanged"] == nil)
        #expect(PersonalFields.all.count == 5)
    }
}
