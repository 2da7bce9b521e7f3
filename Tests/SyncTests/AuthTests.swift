import Domain
import Foundation
import SyncProtocol
import Testing

@Suite("Auth over real HTTP")
struct AuthTests {
    @Test("wrong password and unknown user get the same answer; failures are throttled; a good login clears nothing early")
    func credentialsAndThrottle() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            _ = try await h.signUp("ana", tenantCode: "acme")
            let wrong = try await h.call(
                .POST, "/v1/auth/login", body: LoginRequest(tenantCode: "acme", username: "ana", password: "nope-nope-nope", deviceID: UUID().uuidString))
            let unknown = try await h.call(
                .POST, "/v1/auth/login", body: LoginRequest(tenantCode: "acme", username: "nobody", password: "nope-nope-nope", deviceID: UUID().uuidString))
            let noTenant = try await h.call(
                .POST, "/v1/auth/login", body: LoginRequest(tenantCode: "nope", username: "ana", password: "nope-nope-nope", deviceID: UUID().uuidString))
            #expect(wrong.status == 401 && unknown.status == 401 && noTenant.status == 401)
            #expect(wrong.body == unknown.body && unknown.body == noTenant.body)
            #expect(wrong.code == "invalid_credentials")
            #expect(wrong.contentType == "application/problem+json")
            for _ in 0..<4 {
                _ = try await h.call(
                    .POST, "/v1/auth/login", body: LoginRequest(tenantCode: "acme", username: "ana", password: "still-wrong", deviceID: UUID().uuidString))
            }
            let limited = try await h.call(
                .POST, "/v1/auth/login", body: LoginRequest(tenantCode: "acme", username: "ana", password: "correct horse battery", deviceID: UUID().uuidString)
            )
            #expect(limited.status == 429)
            #expect(limited.code == "rate_limited")
            #expect(Int(limited.retryAfter ?? "") ?? 0 > 0)
            // Another user of the tenant is not throttled.
            _ = try await h.signUp("bob", tenantCode: "acme")
        }
    }

    @Test("refresh tokens rotate; a reused one revokes the session; logout and admin revocation end sessions at once")
    func refreshRotationAndRevocation() async throws {
        try await SyncHarness.with { h in
            let tenant = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let first = ana.tokens.refreshToken
            let refreshed = try await h.call(.POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: first))
            #expect(refreshed.status == 200)
            let tokens = try refreshed.decode(TokenResponse.self)
            #expect(tokens.refreshToken != first)
            #expect(tokens.sessionID == ana.tokens.sessionID)
            // Within the grace period (2 s here) the previous token again means a client retrying
            // after a lost answer: it gets a second new token, valid beside the first until either
            // is used (RefreshRotationTests has every sequence).
            let retried = try await h.call(.POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: first))
            #expect(retried.status == 200)
            let latest = try retried.decode(TokenResponse.self)
            #expect(latest.sessionID == ana.tokens.sessionID && latest.refreshToken != tokens.refreshToken)
            // Later, the rotated-out token is theft: refused, and the session is revoked, so the
            // newest token dies too.
            try await Task.sleep(for: .milliseconds(2500))
            let reused = try await h.call(.POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: first))
            #expect(reused.status == 401 && reused.code == "session_revoked")
            let afterTheft = try await h.call(.POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: latest.refreshToken))
            #expect(afterTheft.code == "session_revoked")
            let pull = try await h.call(.GET, "/v1/sync/pull", token: latest.accessToken)
            #expect(pull.status == 401 && pull.code == "session_revoked")
            let garbage = try await h.call(.POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: "rt_nothing"))
            #expect(garbage.code == "invalid_refresh_token")

            // Logout.
            let again = try await h.signIn("ana", tenantCode: "acme")
            #expect(try await h.call(.POST, "/v1/auth/logout", token: again.token).status == 204)
            #expect(try await h.call(.GET, "/v1/sync/pull", token: again.token).code == "session_revoked")

            // An administrator revokes a member's session; a member may not revoke another's.
            let bob = try await h.signUp("bob", tenantCode: "acme")
            let member = try await h.signIn("ana", tenantCode: "acme")
            let refused = try await h.call(.DELETE, "/v1/auth/sessions/\(bob.tokens.sessionID)", token: member.token)
            #expect(refused.status == 403 && refused.code == "forbidden")
            try await h.makeAdmin(member.userID, tenant: tenant)
            let admin = try await h.signIn("ana", tenantCode: "acme")
            let sessions = try await h.call(.GET, "/v1/auth/sessions?user_id=\(bob.userID)", token: admin.token)
            #expect(sessions.status == 200 && sessions.text.contains(bob.tokens.sessionID))
            #expect(try await h.call(.DELETE, "/v1/auth/sessions/\(bob.tokens.sessionID)", token: admin.token).status == 204)
            #expect(try await h.call(.GET, "/v1/sync/pull", token: bob.token).code == "session_revoked")
            #expect(try await h.call(.POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: bob.tokens.refreshToken)).code == "session_revoked")
        }
    }

    @Test("requests without a valid token, with a forged one, or from a too-old client are refused with stable codes")
    func refusals() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            #expect(try await h.call(.GET, "/v1/sync/pull").code == "unauthorized")
            var forged = ana.token.split(separator: ".").map(String.init)
            forged[1] = forged[1].replacingOccurrences(of: "a", with: "b")
            #expect(try await h.call(.GET, "/v1/sync/pull", token: forged.joined(separator: ".")).code == "unauthorized")
            let old = try await h.call(.GET, "/v1/sync/pull", token: ana.token, headers: [("Tidemark-Protocol", "0")])
            #expect(old.status == 426 && old.code == "upgrade_required")
            let badBody = try await h.call(.POST, "/v1/auth/register", body: ["tenant_code": "acme"])
            #expect(badBody.status == 400 && badBody.code == "invalid" && badBody.text.contains("username"))
            let shortPassword = try await h.call(
                .POST, "/v1/auth/register", body: RegisterRequest(tenantCode: "acme", username: "carl", email: "c@example.com", password: "short"))
            #expect(shortPassword.status == 400 && shortPassword.code == "invalid")
            let taken = try await h.call(
                .POST, "/v1/auth/register", body: RegisterRequest(tenantCode: "acme", username: "ANA", email: "a2@example.com", password: "long enough pass"))
            #expect(taken.status == 409 && taken.code == "already_exists")
        }
    }
}
