import Commands
import Domain
import EventStore
import Foundation
import PostgresNIO
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// A tenant always keeps an active administrator, over REST, over push, and when two
/// administrators remove each other at the same moment.
@Suite("The last administrator", .timeLimit(.minutes(5)))
struct LastAdminTests {
    @Test("the last active administrator cannot deactivate, delete, lock or demote themselves (409 last_admin); with a second administrator they can")
    func lastAdminOverREST() async throws {
        try await SyncHarness.with { h in
            // Given Ana is the only administrator of acme
            let tenant = try await h.createTenant(code: "acme")
            let first = try await h.signUp("ana", tenantCode: "acme")
            try await h.makeAdmin(first.userID, tenant: tenant)
            let ana = try await h.signIn("ana", tenantCode: "acme")
            // When she removes herself in any way, then each is refused with last_admin and nothing is written
            let before = try await h.store.readAll(stream: .init("user-\(ana.userID)")).count
            for (method, path) in [
                (Verb.POST, "/v1/users/\(ana.userID)/deactivate"), (.DELETE, "/v1/users/\(ana.userID)"),
                (.POST, "/v1/users/\(ana.userID)/lock"), (.DELETE, "/v1/users/\(ana.userID)/roles/admin"),
            ] {
                let answer = try await h.call(method, path, body: method == .POST ? ["reason": "leaving"] : nil, token: ana.token)
                #expect(answer.status == 409 && answer.code == "last_admin", "\(method) \(path): \(answer.status) \(answer.text)")
                #expect(answer.text.contains("ana"))
            }
            #expect(try await h.store.readAll(stream: .init("user-\(ana.userID)")).count == before)
            // And a member's removal is unaffected by the rule
            let bob = try await h.signUp("bob", tenantCode: "acme")
            #expect(try await h.call(.POST, "/v1/users/\(bob.userID)/lock", body: ["reason": "test"], token: ana.token).status == 200)
            #expect(try await h.call(.POST, "/v1/users/\(bob.userID)/unlock", token: ana.token).status == 200)
            // Given Bob becomes a second administrator, then Ana may step down
            let grant = try await h.call(.POST, "/v1/users/\(bob.userID)/roles", body: ["role": "admin"], token: ana.token)
            #expect(grant.status == 200, "\(grant.text)")
            let stepDown = try await h.call(.DELETE, "/v1/users/\(ana.userID)/roles/admin", token: ana.token)
            #expect(stepDown.status == 200, "\(stepDown.text)")
            // And now Bob is the last one: his own deactivation is refused
            let boss = try await h.signIn("bob", tenantCode: "acme")
            let refused = try await h.call(.POST, "/v1/users/\(bob.userID)/deactivate", body: [String: String](), token: boss.token)
            #expect(refused.status == 409 && refused.code == "last_admin", "\(refused.text)")
        }
    }

    @Test("a pushed removal of the last administrator is rejected per mutation with last_admin; the rest of the batch applies")
    func lastAdminOverPush() async throws {
        try await SyncHarness.with { h in
            let tenant = try await h.createTenant(code: "acme")
            let first = try await h.signUp("ana", tenantCode: "acme")
            try await h.makeAdmin(first.userID, tenant: tenant)
            let ana = try await h.signIn("ana", tenantCode: "acme")
            let todo = UUID().uuidString
            let answer = try await ana.push([
                ("todo.create", .object(["todo_id": .string(todo), "title": .string("before")])),
                ("user.deactivate", .object(["user_id": .string(ana.userID)])),
                ("todo.complete", .object(["todo_id": .string(todo)])),
            ])
            try #require(answer.results.count == 3)
            #expect(answer.results.map(\.status) == [.applied, .rejected, .applied])
            #expect(answer.results[1].code == "last_admin")
        }
    }

    @Test("two administrators removing each other at the same moment: exactly one succeeds, the tenant keeps an administrator")
    func raceOfTwoAdmins() async throws {
        try await SyncHarness.with { h in
            let tenant = try await h.createTenant(code: "acme")
            for name in ["ana", "bob"] {
                let session = try await h.signUp(name, tenantCode: "acme")
                try await h.makeAdmin(session.userID, tenant: tenant)
            }
            let ana = try await h.signIn("ana", tenantCode: "acme")
            let bob = try await h.signIn("bob", tenantCode: "acme")
            // Each round: both deactivate/demote the other at once; then the survivor restores the other.
            for round in 0..<6 {
                let (a, b) = try await withThrowingTaskGroup(of: (Bool, HTTPAnswer).self) { group in
                    group.addTask { (true, try await h.call(.DELETE, "/v1/users/\(bob.userID)/roles/admin", token: ana.token)) }
                    group.addTask { (false, try await h.call(.DELETE, "/v1/users/\(ana.userID)/roles/admin", token: bob.token)) }
                    var answers: [Bool: HTTPAnswer] = [:]
                    for try await (isAna, answer) in group { answers[isAna] = answer }
                    return (answers[true], answers[false])
                }
                let statuses = [a?.status, b?.status].compactMap { $0 }.sorted()
                #expect(statuses == [200, 409], "round \(round): \(a?.text ?? "-") / \(b?.text ?? "-")")
                #expect([a?.code, b?.code].contains("last_admin"))
                // The log agrees: exactly one of them is still an administrator.
                let states = try await [ana.userID, bob.userID].asyncMap { id in
                    try await h.commands.load(User.self, id: try #require(UserID(id))).state
                }
                #expect(states.filter { $0?.isActiveAdmin == true }.count == 1, "round \(round)")
                // The survivor grants the role back for the next round (their token still says admin).
                let survivor = a?.status == 200 ? ana : bob
                let demoted = a?.status == 200 ? bob : ana
                let regrant = try await h.call(.POST, "/v1/users/\(demoted.userID)/roles", body: ["role": "admin"], token: survivor.token)
                #expect(regrant.status == 200, "\(regrant.text)")
            }
        }
    }
}

extension Array {
    /// Maps each element with an async function, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
