import Foundation
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// The refresh-token rules of docs/protocol.md ("Refresh and rotation"): one grace retry of the
/// token the last rotation replaced, measured from that rotation; any other reuse revokes the session.
@Suite("Refresh-token rotation and its grace retry")
struct RefreshRotationTests {
    /// Presents `token` to `/v1/auth/refresh`.
    static func refresh(_ h: SyncHarness, _ token: String) async throws -> HTTPAnswer {
        try await h.call(.POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: token))
    }

    /// Refreshes with `token` and expects new tokens.
    static func rotated(_ h: SyncHarness, _ token: String) async throws -> TokenResponse {
        let answer = try await refresh(h, token)
        guard answer.status == 200 else { throw TestFailure("refresh: \(answer.status) \(answer.text)") }
        return try answer.decode(TokenResponse.self)
    }

    @Test("a retry of the replaced token within the grace answers 200, and the token the rotation issued keeps working")
    func graceRetryKeepsTheNewestToken() async throws {
        try await SyncHarness.with { h in
            // Given a session whose token R0 was rotated to R1
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let r1 = try await Self.rotated(h, ana.tokens.refreshToken)
            // When R0 is presented again within the grace (a retry after a lost answer, or a replay)
            let retry = try await Self.refresh(h, ana.tokens.refreshToken)
            #expect(retry.status == 200)
            let r2 = try retry.decode(TokenResponse.self)
            #expect(r2.sessionID == ana.tokens.sessionID && r2.refreshToken != r1.refreshToken)
            // Then the holder of R1 is not locked out: R1 rotates, and the session stays usable
            let r3 = try await Self.rotated(h, r1.refreshToken)
            #expect(r3.sessionID == ana.tokens.sessionID)
            #expect(try await h.call(.GET, "/v1/sync/pull", token: r3.accessToken).status == 200)
            // And the grace-issued sibling R2, unused when R1 rotated, is now a reused token: the session ends
            let sibling = try await Self.refresh(h, r2.refreshToken)
            #expect(sibling.status == 401 && sibling.code == "session_revoked")
            #expect(try await Self.refresh(h, r3.refreshToken).code == "session_revoked")
        }
    }

    @Test("a client that lost the rotation's answer carries on with the grace-issued token")
    func lostAnswerRetry() async throws {
        try await SyncHarness.with { h in
            // Given R0 rotated to R1, whose answer the client never received
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            _ = try await Self.rotated(h, ana.tokens.refreshToken)
            // When the client retries R0 within the grace and uses what it gets
            let r2 = try await Self.rotated(h, ana.tokens.refreshToken)
            let r3 = try await Self.rotated(h, r2.refreshToken)
            // Then the session goes on
            #expect(try await h.call(.GET, "/v1/sync/pull", token: r3.accessToken).status == 200)
            #expect(try await Self.rotated(h, r3.refreshToken).sessionID == ana.tokens.sessionID)
        }
    }

    @Test("the replaced token gets one grace retry; presenting it a second time revokes the session")
    func secondGraceRetryRevokes() async throws {
        try await SyncHarness.with { h in
            // Given R0 rotated to R1, and R0 retried once within the grace (giving R2)
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let r1 = try await Self.rotated(h, ana.tokens.refreshToken)
            let r2 = try await Self.rotated(h, ana.tokens.refreshToken)
            // When R0 is presented again, still within the grace
            let again = try await Self.refresh(h, ana.tokens.refreshToken)
            // Then it is a replay: the whole session is revoked, R1 and R2 included
            #expect(again.status == 401 && again.code == "session_revoked")
            #expect(try await Self.refresh(h, r1.refreshToken).code == "session_revoked")
            #expect(try await Self.refresh(h, r2.refreshToken).code == "session_revoked")
            #expect(try await h.call(.GET, "/v1/sync/pull", token: r1.accessToken).code == "session_revoked")
        }
    }

    @Test("the grace is measured from the rotation: a retry inside it does not stretch it, and the old token never works after it")
    func graceDoesNotSlide() async throws {
        // A 4 s grace here, so the waits below leave a wide margin on either side.
        try await SyncHarness.with(configure: { $0.auth.refreshRetryGraceSeconds = 4 }) { h in
            // Given R0 rotated to R1
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let r1 = try await Self.rotated(h, ana.tokens.refreshToken)
            // When R0 is retried inside the grace, and again after the grace (but within 4 s of that retry)
            try await Task.sleep(for: .milliseconds(2500))
            #expect(try await Self.refresh(h, ana.tokens.refreshToken).status == 200)
            try await Task.sleep(for: .milliseconds(2500))
            let late = try await Self.refresh(h, ana.tokens.refreshToken)
            // Then the late one is a reuse: refused, and the session is revoked
            #expect(late.status == 401 && late.code == "session_revoked")
            try await Task.sleep(for: .milliseconds(2500))
            #expect(try await Self.refresh(h, ana.tokens.refreshToken).status == 401)
            #expect(try await Self.refresh(h, r1.refreshToken).code == "session_revoked")
        }
    }

    @Test("the replaced token presented after the grace revokes the whole session")
    func reuseAfterGraceRevokesTheFamily() async throws {
        try await SyncHarness.with { h in
            // Given R0 rotated to R1, then R1 to R2
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let r1 = try await Self.rotated(h, ana.tokens.refreshToken)
            let r2 = try await Self.rotated(h, r1.refreshToken)
            // When R1 comes back after the grace (2 s in tests)
            try await Task.sleep(for: .milliseconds(2500))
            let reused = try await Self.refresh(h, r1.refreshToken)
            // Then the session is revoked: R2 and its access token die with it
            #expect(reused.status == 401 && reused.code == "session_revoked")
            #expect(try await Self.refresh(h, r2.refreshToken).code == "session_revoked")
            #expect(try await h.call(.GET, "/v1/sync/pull", token: r2.accessToken).code == "session_revoked")
            // And R0, replaced two rotations ago, is recognised as the session's too
            #expect(try await Self.refresh(h, ana.tokens.refreshToken).code == "session_revoked")
        }
    }

    @Test("a token replaced two rotations ago revokes the session when presented")
    func olderTokenRevokes() async throws {
        try await SyncHarness.with { h in
            // Given R0 → R1 → R2
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let r1 = try await Self.rotated(h, ana.tokens.refreshToken)
            let r2 = try await Self.rotated(h, r1.refreshToken)
            // When R0 is presented (at once: within any grace of the last rotation)
            let old = try await Self.refresh(h, ana.tokens.refreshToken)
            // Then it is a reuse, and the session ends
            #expect(old.status == 401 && old.code == "session_revoked")
            #expect(try await Self.refresh(h, r2.refreshToken).code == "session_revoked")
        }
    }
}
