import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

@Suite("Sign-in throttle under concurrency")
struct SignInThrottleTests {
    /// Sends `count` wrong-password sign-ins for `username` at once, spread over `servers` in turn.
    static func wrongPasswords(
        _ h: SyncHarness, username: String, count: Int, servers: [TestServer], headers: [(String, String)] = []
    ) async throws -> [HTTPAnswer] {
        try await withThrowingTaskGroup(of: HTTPAnswer.self) { group in
            for index in 0..<count {
                let server = servers[index % servers.count]
                group.addTask {
                    try await h.call(
                        .POST, "/v1/auth/login",
                        body: LoginRequest(tenantCode: "acme", username: username, password: "wrong password \(index)", deviceID: UUID().uuidString),
                        headers: headers, via: server)
                }
            }
            var answers: [HTTPAnswer] = []
            for try await answer in group { answers.append(answer) }
            return answers
        }
    }

    /// The bcrypt verifications a server made, from its `/metrics`.
    static func passwordChecks(_ h: SyncHarness, on server: TestServer) async throws -> Int {
        let metrics = try await h.call(.GET, "/metrics", via: server)
        return metrics.text.split(separator: "\n")
            .filter { $0.hasPrefix("tidemark_auth_password_checks_total") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }

    @Test("forty concurrent wrong passwords for one name: five are checked and refused 401, the rest get 429 with Retry-After")
    func concurrentWrongPasswords() async throws {
        try await SyncHarness.with { h in
            // Given a user
            _ = try await h.createTenant(code: "acme")
            _ = try await h.signUp("ana", tenantCode: "acme")
            let before = try await Self.passwordChecks(h, on: h.server)
            // When 40 wrong passwords arrive at once
            let answers = try await Self.wrongPasswords(h, username: "ana", count: 40, servers: [h.server])
            // Then only the first five reach bcrypt; the others are refused before it
            let refused = answers.filter { $0.status == 401 }
            let limited = answers.filter { $0.status == 429 }
            #expect(refused.count == 5)
            #expect(limited.count == 35)
            #expect(limited.allSatisfy { $0.code == "rate_limited" && (Int($0.retryAfter ?? "") ?? 0) > 0 })
            #expect(try await Self.passwordChecks(h, on: h.server) - before == 5)
        }
    }

    @Test("the sign-in throttle holds across two server instances on one database")
    func concurrentWrongPasswordsOnTwoInstances() async throws {
        try await SyncHarness.with { h in
            // Given a user and a second server instance on the same database
            _ = try await h.createTenant(code: "acme")
            _ = try await h.signUp("ana", tenantCode: "acme")
            let other = TestServer(database: h.server.database, logger: h.logger)
            try await other.start()
            try await withCleanUp {
                let before = try await Self.passwordChecks(h, on: h.server) + Self.passwordChecks(h, on: other)
                // When 40 wrong passwords arrive at once, half through each instance
                let answers = try await Self.wrongPasswords(h, username: "ana", count: 40, servers: [h.server, other])
                // Then the two instances together checked five
                #expect(answers.filter { $0.status == 401 }.count == 5)
                #expect(answers.filter { $0.status == 429 && $0.retryAfter != nil }.count == 35)
                let after = try await Self.passwordChecks(h, on: h.server) + Self.passwordChecks(h, on: other)
                #expect(after - before == 5)
            } cleanUp: {
                try? await other.stop()
            }
        }
    }
}
