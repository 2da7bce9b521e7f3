import Foundation
import SyncProtocol
import SyncServer
import Testing

/// U+0000 is valid JSON but cannot be stored by PostgreSQL: it must be refused as the caller's
/// input (400, or one mutation rejected), never as a retryable 503 that wedges a device.
@Suite("Input PostgreSQL cannot store", .timeLimit(.minutes(5)))
struct StorableInputTests {
    @Test("a pushed title with U+0000 rejects that mutation alone (invalid, naming the field); the batch and the next push apply")
    func nulInPushedArguments() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let good = UUID().uuidString
            let answer = try await ana.push([
                ("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("a\u{0}b")])),
                ("todo.create", .object(["todo_id": .string(good), "title": .string("fine")])),
                ("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("ok"), "tags": .array([.string("x\u{0}")])])),
                ("todo.create", .object(["todo_id": .string(UUID().uuidString), "ti\u{0}tle": .string("x")])),
            ])
            try #require(answer.results.count == 4)
            #expect(answer.results.map(\.status) == [.rejected, .applied, .rejected, .rejected])
            #expect(answer.results[0].code == "invalid" && (answer.results[0].message ?? "").contains("title"))
            #expect(answer.results[2].code == "invalid" && (answer.results[2].message ?? "").contains("tags"))
            #expect(answer.results[3].code == "invalid")
            // The device is not stuck: the next push applies.
            let next = try await ana.push([("todo.complete", .object(["todo_id": .string(good)]))])
            #expect(next.results.map(\.status) == [.applied])
            // One mutation alone (the one-by-one path) is rejected the same way.
            let alone = try await ana.push([("todo.edit", .object(["todo_id": .string(good), "description": .string("\u{0}")]))])
            #expect(alone.results.first?.status == .rejected && alone.results.first?.code == "invalid")
        }
    }

    @Test("a mutation id or name with U+0000 makes the whole push 400 invalid, and nothing is written")
    func nulInEnvelope() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            for mutation in [
                Mutation(id: "id\u{0}1", seq: 1, name: "todo.create", args: .object(["todo_id": .string(UUID().uuidString), "title": .string("t")])),
                Mutation(id: "id-2", seq: 1, name: "todo.create\u{0}", args: .object(["todo_id": .string(UUID().uuidString), "title": .string("t")])),
            ] {
                let answer = try await h.call(.POST, "/v1/sync/push", body: SyncPushRequest(mutations: [mutation]), token: ana.token)
                #expect(answer.status == 400 && answer.code == "invalid", "\(answer.status) \(answer.text)")
            }
            // seq 1 is still free: nothing was recorded.
            let answer = try await ana.push(raw: [
                Mutation(id: "id-3", seq: 1, name: "todo.create", args: .object(["todo_id": .string(UUID().uuidString), "title": .string("t")]))
            ])
            #expect(answer.results.first?.status == .applied)
        }
    }

    @Test("REST writes, sign-up and sign-in with U+0000 in a field answer 400 invalid naming the field")
    func nulOverRESTAndAuth() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let rest = try await h.call(.POST, "/v1/todos", body: ["title": "a\u{0}b"], token: ana.token)
            #expect(rest.status == 400 && rest.code == "invalid" && rest.text.contains("title"), "\(rest.text)")
            let device = UUID().uuidString
            for (field, body) in [
                ("username", LoginRequest(tenantCode: "acme", username: "ana\u{0}", password: "correct horse battery", deviceID: device)),
                ("tenant_code", LoginRequest(tenantCode: "ac\u{0}me", username: "ana", password: "correct horse battery", deviceID: device)),
                (
                    "device_name",
                    LoginRequest(tenantCode: "acme", username: "ana", password: "correct horse battery", deviceID: device, deviceName: "phone\u{0}")
                ),
            ] {
                let answer = try await h.call(.POST, "/v1/auth/login", body: body)
                #expect(answer.status == 400 && answer.code == "invalid" && answer.text.contains(field), "\(field): \(answer.status) \(answer.text)")
            }
            for (field, body) in [
                ("username", RegisterRequest(tenantCode: "acme", username: "bo\u{0}b", email: "b@example.com", password: "long enough pass")),
                ("tenant_code", RegisterRequest(tenantCode: "\u{0}", username: "bob", email: "b@example.com", password: "long enough pass")),
                ("email", RegisterRequest(tenantCode: "acme", username: "bob", email: "b\u{0}@example.com", password: "long enough pass")),
            ] {
                let answer = try await h.call(.POST, "/v1/auth/register", body: body)
                #expect(answer.status == 400 && answer.code == "invalid" && answer.text.contains(field), "\(field): \(answer.status) \(answer.text)")
            }
            // The real user still signs in.
            _ = try await h.signIn("ana", tenantCode: "acme")
        }
    }
}
