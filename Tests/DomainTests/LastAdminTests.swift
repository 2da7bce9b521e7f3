import Foundation
import Testing

@testable import Domain

@Suite("User: the last active administrator")
struct LastAdminTests {
    /// Alice, registered and made an administrator.
    var admin: UserState {
        get throws {
            let register = UserCommand.register(
                Fixture.alice, tenantID: Fixture.tenant, username: "alice", email: "alice@example.com", phone: nil,
                passwordHash: Fixture.hash1, tenantIsActive: true)
            return try #require(try given(User.self, [(register, .anonymous), (.grantRole(Fixture.alice, .admin), Fixture.systemP)]))
        }
    }

    /// The state after `command`, decided by Alice herself.
    func after(_ command: UserCommand, from state: UserState) throws -> UserState? {
        let events = try run(User.self, state, command, as: Principal.user(Fixture.alice, tenantID: Fixture.tenant, roles: [.member, .admin]))
        return User.fold(events, from: state)
    }

    @Test(
        "revoking admin, locking, deactivating and deleting may take an administrator away; nothing else may",
        arguments: [
            (UserCommand.revokeRole(Fixture.alice, .admin), true), (.lock(Fixture.alice, reason: nil), true),
            (.deactivate(Fixture.alice, reason: nil), true), (.delete(Fixture.alice), true),
            (.grantRole(Fixture.alice, .admin), false), (.unlock(Fixture.alice), false),
            (.updateProfile(Fixture.alice, ProfileUpdate(nickname: "A")), false), (.changePassword(Fixture.alice, passwordHash: Fixture.hash2), false),
        ])
    func mayRemove(command: UserCommand, expected: Bool) {
        #expect(User.mayRemoveAdmin(command) == expected)
    }

    @Test(
        "the last active administrator may not deactivate, delete, lock or demote themselves: last_admin",
        arguments: [
            UserCommand.revokeRole(Fixture.alice, .admin), .lock(Fixture.alice, reason: nil), .deactivate(Fixture.alice, reason: "leaving"),
            .delete(Fixture.alice),
        ])
    func lastAdminRefused(command: UserCommand) throws {
        // Given Alice is the tenant's only active administrator
        let before = try admin
        #expect(before.isActiveAdmin)
        // When the command takes her role or her account away
        let after = try after(command, from: before)
        #expect(after?.isActiveAdmin == false)
        // Then the rule refuses it with last_admin, naming her
        do {
            try User.requireAnotherAdmin(before: before, after: after, otherActiveAdmins: 0)
            Issue.record("expected last_admin")
        } catch {
            #expect(error.code == .lastAdmin)
            #expect(error.message.contains("alice"))
        }
        // But with another active administrator it is allowed
        try User.requireAnotherAdmin(before: before, after: after, otherActiveAdmins: 1)
    }

    @Test("changes that keep the administrator active, or concern a user who was no active administrator, pass with no other administrator")
    func otherChangesPass() throws {
        let before = try admin
        try User.requireAnotherAdmin(
            before: before, after: try after(.updateProfile(Fixture.alice, ProfileUpdate(nickname: "Al")), from: before), otherActiveAdmins: 0)
        var locked = before
        locked.status = .locked
        var deactivated = locked
        deactivated.status = .deactivated
        try User.requireAnotherAdmin(before: locked, after: deactivated, otherActiveAdmins: 0)
        var member = before
        member.roles = [.member]
        var deleted = member
        deleted.isDeleted = true
        try User.requireAnotherAdmin(before: member, after: deleted, otherActiveAdmins: 0)
        try User.requireAnotherAdmin(before: nil, after: nil, otherActiveAdmins: 0)
    }
}
