import EventStore
import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

/// Request bodies as Hummingbird decodes them (`request.decode(as:context:)` with the context's
/// `maxUploadSize`), and the answers that must not change with it: `413 payload_too_large` over the
/// limits, `400 invalid` naming the member at fault, `401` before an authenticated handler runs.
@Suite("Request bodies and authenticated routes")
struct RequestBodyTests {
    @Test("a body declared over 2 MiB is 413 payload_too_large before it is read; a credential body over 16 KiB is 413 too")
    func oversizedBodies() async throws {
        try await SyncHarness.with { h in
            // Given a signed-in member
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")

            // When a push body is over the server's 2 MiB
            let push = try await h.call(.POST, "/v1/sync/push", body: String(repeating: "x", count: 3 << 20), token: ana.token)
            // Then it is refused with the limit named
            #expect(push.status == 413, "\(push.status) \(push.text.prefix(300))")
            #expect(push.code == "payload_too_large")
            #expect(push.json?["detail"]?.stringValue?.contains("the limit is \(2 << 20)") == true, "\(push.text)")

            // When a sign-in body is over 16 KiB (but under 2 MiB)
            let login = try await h.call(
                .POST, "/v1/auth/login",
                body: LoginRequest(
                    tenantCode: "acme", username: String(repeating: "a", count: 20_000), password: "correct horse battery",
                    deviceID: UUID().uuidString))
            // Then it is refused too, and a REST write of the same size is not
            #expect(login.status == 413, "\(login.status) \(login.text.prefix(300))")
            #expect(login.code == "payload_too_large")
            let write = try await h.call(
                .POST, "/v1/todos", body: ["title": String(repeating: "t", count: 100), "description": String(repeating: "d", count: 20_000)],
                token: ana.token)
            #expect(write.status != 413, "\(write.status) \(write.text.prefix(300))")
        }
    }

    @Test("a body that does not decode is 400 invalid naming the member at fault")
    func undecodableBodies() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let cases: [(body: JSONValue, detail: String)] = [
                (
                    .object(["mutations": .array([.object(["id": .string("a"), "seq": .number(1), "name": .string("todo.create")])])]),
                    "member 'mutations.[0].args' is missing"
                ),
                (.object(["mutations": .string("none")]), "member 'mutations' has the wrong type"),
                (.object([:]), "member 'mutations' is missing"),
            ]
            for (body, detail) in cases {
                let answer = try await h.call(.POST, "/v1/sync/push", body: body, token: ana.token)
                #expect(answer.status == 400, "\(body)")
                #expect(answer.code == "invalid", "\(body)")
                #expect(answer.json?["detail"]?.stringValue == "the request body is not valid: \(detail)", "\(answer.text)")
            }
            let login = try await h.call(.POST, "/v1/auth/login", body: JSONValue.object(["tenant_code": .string("acme")]))
            #expect(login.status == 400 && login.code == "invalid")
            #expect(login.json?["detail"]?.stringValue?.hasPrefix("the request body is not valid: member '") == true, "\(login.text)")
        }
    }

    @Test("every authenticated route refuses a request without a valid token with 401 before its handler runs")
    func authenticatedRoutesNeedAToken() async throws {
        try await SyncHarness.with { h in
            let routes: [(Verb, String)] = [
                (.POST, "/v1/sync/push"), (.GET, "/v1/sync/pull"), (.POST, "/v1/auth/logout"), (.GET, "/v1/auth/sessions"),
                (.DELETE, "/v1/auth/sessions/\(UUID().uuidString)"), (.POST, "/v1/todos"),
            ]
            let before = try await h.store.status().head
            for (method, path) in routes {
                for token in [nil, "not-a-token"] {
                    let answer = try await h.call(method, path, body: method == .GET || method == .DELETE ? nil : JSONValue.object([:]), token: token)
                    #expect(answer.status == 401, "\(method) \(path) \(token ?? "no token"): \(answer.status) \(answer.text)")
                    #expect(answer.code == "unauthorized", "\(method) \(path)")
                }
            }
            #expect(try await h.store.status().head == before)
        }
    }

    @Test("/metrics exports the HTTP metrics next to the server's own")
    func httpMetrics() async throws {
        try await SyncHarness.with { h in
            // Given some requests: a sign-up and sign-in, a liveness check, an unknown path, a refused push
            _ = try await h.createTenant(code: "acme")
            _ = try await h.signUp("ana", tenantCode: "acme")
            #expect(try await h.call(.GET, "/health").status == 200)
            #expect(try await h.call(.GET, "/no/such/route").status == 404)
            #expect(try await h.call(.POST, "/v1/sync/push", body: JSONValue.object([:])).status == 401)

            // When the metrics are scraped
            let metrics = try await h.call(.GET, "/metrics").text

            // Then requests are counted and timed by route, method and status
            let requests = metrics.split(separator: "\n").filter { $0.hasPrefix("tidemark_http_requests_total{") }
            #expect(requests.contains { $0.contains(#"route="/health""#) && $0.contains(#"status="200""#) }, "\(metrics)")
            #expect(requests.contains { $0.contains(#"route="/v1/sync/push""#) && $0.contains(#"status="401""#) }, "\(metrics)")
            #expect(requests.contains { $0.contains(#"route="unmatched""#) && $0.contains(#"status="404""#) }, "\(metrics)")
            #expect(metrics.contains("tidemark_http_request_duration_seconds_bucket{"), "\(metrics)")
            // And the server's own metrics are still there
            #expect(metrics.split(separator: "\n").contains { $0.hasPrefix(#"tidemark_auth_password_checks_total{outcome="match"}"#) }, "\(metrics)")
        }
    }
}
