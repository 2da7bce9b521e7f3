import Foundation
import SyncProtocol
import Testing

@Suite("Text the database cannot store")
struct NULTests {
    @Test("U+0000 in a mutation id, name or argument is refused invalid, never a 503 on every retry")
    func nulIsInvalid() async throws {
        try await SyncHarness.with { h in
            // Given a signed-in device.
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let todo: JSONValue = .object(["todo_id": .string(UUID().uuidString), "title": .string("ok")])

            // When U+0000 appears in a mutation id, a name, or an argument (pushed and over REST).
            let badID = try await h.call(.POST, "/v1/sync/push", body: PushRequest(mutations: [
                Mutation(id: "a\u{0}b", seq: 1, name: "todo.create", args: todo),
            ]), token: ana.token)
            let badName = try await h.call(.POST, "/v1/sync/push", body: PushRequest(mutations: [
                Mutation(id: "n1", seq: 1, name: "todo.create\u{0}", args: todo),
            ]), token: ana.token)
            let badArgs = try await ana.push(raw: [
                Mutation(id: "a1", seq: 1, name: "todo.create", args: .object(["todo_id": .string(UUID().uuidString), "title": .string("a\u{0}b")])),
                Mutation(id: "a2", seq: 2, name: "todo.create", args: .object(["todo_id": .string(UUID().uuidString), "ti\u{0}tle": .string("x")])),
                Mutation(id: "a3", seq: 3, name: "todo.create", args: todo),
            ])
            let rest = try await h.call(.POST, "/v1/todos", body: JSONValue.object(["title": .string("x\u{0}")]), token: ana.token)

            // Then each is refused as invalid, and the rest of the batch applies.
            #expect(badID.status == 400 && badID.code == "invalid", "\(badID.text)")
            #expect(badName.status == 400 && badName.code == "invalid", "\(badName.text)")
            #expect(badArgs.results.map(\.code) == ["invalid", "invalid", nil])
            #expect(badArgs.results.last?.status == .applied)
            #expect(rest.status == 400 && rest.code == "invalid", "\(rest.text)")
        }
    }
}
