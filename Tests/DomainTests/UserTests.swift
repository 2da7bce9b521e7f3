import Foundation
import Testing

@testable import Domain

@Suite("User")
struct UserTests {
    let id = Fixture.alice
    let tenant = Fixture.tenant

    func register(
        _ username: String = "Alice.W", email: String = "alice@example.com", phone: String? = nil,
        hash: String = Fixture.hash1, active: Bool = true
    ) -> UserCommand {
        .register(id, tenantID: tenant, username: username, email: email, phone: phone, passwordHash: hash, tenantIsActive: active)
    }

    var registered: UserState? {
        get throws { try given(User.self, [(register(), .anonymous)]) }
    }

    @Test("an anonymous visitor registers into an active tenant as a member with a lowercased username")
    func registerAnonymous() throws {
        let events = try run(User.self, nil, register(phone: "+41 79 123 45 67"), as: .anonymous)
        #expect(
            events == [
                .registered(
                    .init(
                        tenantID: tenant, userID: id, username: "alice.w", email: "alice@example.com", phone: "+41791234567",
                        passwordHash: Fixture.hash1, roles: [.member], at: Fixture.t0))
            ])
        let state = try #require(User.fold(events))
        #expect(state.roles == [.member] && state.status == .active && !state.isDeleted)
    }

    @Test("the registration event carries the bcrypt hash, never a clear password")
    func noClearPassword() throws {
        let data = try #require(try run(User.self, nil, register(), as: .anonymous).first).encodedData()
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"passwordHash\":\"$2b$12$"))
        #expect(!json.contains("\"password\""))
    }

    @Test("administrators and the system may register users; members and other tenants may not")
    func registerAuthorization() throws {
        #expect(try run(User.self, nil, register(), as: Fixture.adminP).count == 1)
        #expect(try run(User.self, nil, register(), as: Fixture.systemP).count == 1)
        expectRefusal(User.self, nil, register(), as: Fixture.bobP, .forbidden)
        expectRefusal(User.self, nil, register(), as: Fixture.foreignAdminP, .forbidden)
        expectRefusal(User.self, nil, register(), as: Fixture.foreignSystemP, .forbidden)
    }

    @Test("registration into an inactive tenant is refused")
    func inactiveTenant() {
        expectRefusal(User.self, nil, register(active: false), as: .anonymous, .conflict)
    }

    @Test("registering the same user twice is refused")
    func registerTwice() throws {
        expectRefusal(User.self, try registered, register(), as: .anonymous, .alreadyExists)
    }

    @Test(
        "usernames, e-mails, phones and password hashes are validated",
        arguments: [
            ("al", "a@b.co", nil, Fixture.hash1), ("al ice", "a@b.co", nil, Fixture.hash1),
            (String(repeating: "a", count: 33), "a@b.co", nil, Fixture.hash1), ("alice!", "a@b.co", nil, Fixture.hash1),
            ("alice", "alice", nil, Fixture.hash1), ("alice", "a@b", nil, Fixture.hash1), ("alice", "a b@c.de", nil, Fixture.hash1),
            ("alice", "@c.de", nil, Fixture.hash1), ("alice", "a@c.de", "12", Fixture.hash1), ("alice", "a@c.de", "call me", Fixture.hash1),
            ("alice", "a@c.de", nil, "secret"), ("alice", "a@c.de", nil, "$2x$12$" + String(repeating: "a", count: 53)),
            ("alice", "a@c.de", nil, "$2b$12$" + String(repeating: "a", count: 52)), ("alice", "a@c.de", nil, "$2b$12$" + String(repeating: "!", count: 53)),
        ] as [(String, String, String?, String)])
    func registerInvalid(username: String, email: String, phone: String?, hash: String) {
        expectRefusal(User.self, nil, register(username, email: email, phone: phone, hash: hash), as: .anonymous, .invalid)
    }

    @Test("a profile update records only the fields that change")
    func updateProfile() throws {
        let state = try registered
        let update = ProfileUpdate(nickname: " Ali ", email: "alice@example.com", locale: "de-CH", timeZone: "Europe/Zurich")
        let events = try run(User.self, state, .updateProfile(id, update), as: Fixture.aliceP)
        #expect(
            events == [
                .profileUpdated(
                    .init(
                        tenantID: tenant, userID: id, nickname: "Ali", avatarURL: nil, email: nil, phone: nil,
                        locale: "de-CH", timeZone: "Europe/Zurich", at: Fixture.t0))
            ])
        let after = User.fold(events, from: state)
        #expect(after?.nickname == "Ali" && after?.timeZone == "Europe/Zurich")
        #expect(try run(User.self, after, .updateProfile(id, update), as: Fixture.aliceP).isEmpty)
        let cleared = try run(User.self, after, .updateProfile(id, ProfileUpdate(nickname: "")), as: Fixture.aliceP)
        #expect(User.fold(cleared, from: after)?.nickname == nil)
        #expect(try run(User.self, state, .updateProfile(id, ProfileUpdate(phone: "")), as: Fixture.aliceP).isEmpty)
    }

    @Test("the profile owner, administrators and the system may update it; others may not")
    func updateProfileAuthorization() throws {
        let state = try registered
        let update = ProfileUpdate(avatarURL: "https://cdn.example.com/a.png")
        #expect(try run(User.self, state, .updateProfile(id, update), as: Fixture.adminP).count == 1)
        #expect(try run(User.self, state, .updateProfile(id, update), as: Fixture.systemP).count == 1)
        expectRefusal(User.self, state, .updateProfile(id, update), as: Fixture.bobP, .forbidden)
        expectRefusal(User.self, state, .updateProfile(id, update), as: Fixture.foreignAdminP, .forbidden)
        expectRefusal(User.self, state, .updateProfile(id, update), as: .anonymous, .forbidden)
        expectRefusal(User.self, nil, .updateProfile(id, update), as: Fixture.aliceP, .notFound)
    }

    @Test(
        "invalid profile values are refused",
        arguments: [
            ProfileUpdate(), ProfileUpdate(nickname: String(repeating: "n", count: 51)), ProfileUpdate(avatarURL: "ftp://x.y/a"),
            ProfileUpdate(avatarURL: "not a url"), ProfileUpdate(email: "nope"), ProfileUpdate(email: ""),
            ProfileUpdate(phone: "abc"), ProfileUpdate(locale: "english!"), ProfileUpdate(timeZone: "Europe Berlin"),
        ])
    func updateProfileInvalid(update: ProfileUpdate) throws {
        expectRefusal(User.self, try registered, .updateProfile(id, update), as: Fixture.aliceP, .invalid)
    }

    @Test("a user changes their password hash; the same hash records nothing; a bad hash is refused")
    func changePassword() throws {
        let state = try registered
        let events = try run(User.self, state, .changePassword(id, passwordHash: Fixture.hash2), as: Fixture.aliceP)
        #expect(events == [.passwordChanged(.init(tenantID: tenant, userID: id, passwordHash: Fixture.hash2, actorID: Fixture.alice, at: Fixture.t0))])
        #expect(User.fold(events, from: state)?.passwordHash == Fixture.hash2)
        #expect(try run(User.self, state, .changePassword(id, passwordHash: Fixture.hash1), as: Fixture.aliceP).isEmpty)
        expectRefusal(User.self, state, .changePassword(id, passwordHash: "hunter2"), as: Fixture.aliceP, .invalid)
        expectRefusal(User.self, state, .changePassword(id, passwordHash: Fixture.hash2), as: Fixture.bobP, .forbidden)
    }

    @Test("administrators grant and revoke roles idempotently; the member role stays")
    func roles() throws {
        let state = try registered
        let granted = try run(User.self, state, .grantRole(id, .admin), as: Fixture.adminP)
        #expect(granted == [.roleGranted(.init(tenantID: tenant, userID: id, role: .admin, actorID: Fixture.boss, at: Fixture.t0))])
        let admin = User.fold(granted, from: state)
        #expect(admin?.roles == [.member, .admin])
        #expect(try run(User.self, admin, .grantRole(id, .admin), as: Fixture.adminP).isEmpty)
        let revoked = try run(User.self, admin, .revokeRole(id, .admin), as: Fixture.systemP)
        #expect(names(revoked) == ["UserRoleRevoked"])
        #expect(User.fold(revoked, from: admin)?.roles == [.member])
        #expect(try run(User.self, state, .revokeRole(id, .admin), as: Fixture.adminP).isEmpty)
        expectRefusal(User.self, state, .revokeRole(id, .member), as: Fixture.adminP, .invalid)
        expectRefusal(User.self, state, .grantRole(id, .admin), as: Fixture.aliceP, .forbidden)
        expectRefusal(User.self, state, .grantRole(id, .admin), as: Fixture.foreignAdminP, .forbidden)
        expectRefusal(User.self, state, .revokeRole(id, .admin), as: Fixture.bobP, .forbidden)
    }

    @Test("lock, unlock and deactivate follow the account status machine")
    func statusMachine() throws {
        let state = try registered
        let locked = User.fold(try run(User.self, state, .lock(id, reason: "too many attempts"), as: Fixture.adminP), from: state)
        #expect(locked?.status == .locked)
        #expect(try run(User.self, locked, .lock(id, reason: nil), as: Fixture.adminP).isEmpty)
        #expect(try run(User.self, state, .unlock(id), as: Fixture.adminP).isEmpty)
        let unlocked = User.fold(try run(User.self, locked, .unlock(id), as: Fixture.systemP), from: locked)
        #expect(unlocked?.status == .active)
        let deactivated = User.fold(try run(User.self, locked, .deactivate(id, reason: nil), as: Fixture.adminP), from: locked)
        #expect(deactivated?.status == .deactivated)
        #expect(try run(User.self, deactivated, .deactivate(id, reason: nil), as: Fixture.adminP).isEmpty)
        expectRefusal(User.self, deactivated, .lock(id, reason: nil), as: Fixture.adminP, .conflict)
        expectRefusal(User.self, deactivated, .unlock(id), as: Fixture.adminP, .conflict)
        expectRefusal(User.self, deactivated, .updateProfile(id, ProfileUpdate(nickname: "x")), as: Fixture.aliceP, .conflict)
        expectRefusal(User.self, deactivated, .changePassword(id, passwordHash: Fixture.hash2), as: Fixture.aliceP, .conflict)
        expectRefusal(User.self, state, .lock(id, reason: String(repeating: "r", count: 501)), as: Fixture.adminP, .invalid)
    }

    @Test("members cannot lock, unlock, deactivate or delete anyone, not even themselves")
    func accountAdminForbidden() throws {
        let state = try registered
        let commands: [UserCommand] = [.lock(id, reason: nil), .unlock(id), .deactivate(id, reason: nil), .delete(id)]
        for command in commands {
            expectRefusal(User.self, state, command, as: Fixture.aliceP, .forbidden)
            expectRefusal(User.self, state, command, as: Fixture.foreignSystemP, .forbidden)
            expectRefusal(User.self, nil, command, as: Fixture.adminP, .notFound)
        }
    }

    @Test("a deleted user is kept, marked deleted, and refuses every further change")
    func delete() throws {
        let state = try registered
        let events = try run(User.self, state, .delete(id), as: Fixture.adminP)
        #expect(events == [.deleted(.init(tenantID: tenant, userID: id, actorID: Fixture.boss, reason: nil, at: Fixture.t0))])
        let deleted = User.fold(events, from: state)
        #expect(deleted?.isDeleted == true && deleted?.username == "alice.w")
        #expect(try run(User.self, deleted, .delete(id), as: Fixture.adminP).isEmpty)
        let commands: [UserCommand] = [
            .updateProfile(id, ProfileUpdate(nickname: "x")), .changePassword(id, passwordHash: Fixture.hash2),
            .grantRole(id, .admin), .revokeRole(id, .admin), .lock(id, reason: nil), .unlock(id), .deactivate(id, reason: nil),
        ]
        for command in commands {
            let owner = if case .updateProfile = command { Fixture.aliceP } else { Fixture.adminP }
            expectRefusal(User.self, deleted, command, as: owner, .deleted)
        }
    }
}
