import EventStore
import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

@testable import SyncServer

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

@Suite("Sign-ins the server never checked")
struct UncheckedSignInTests {
    @Test("a sign-in refused before its password was checked (threads full, server stopping) gives its claims back: ten in a row lock nobody out")
    func uncheckedAttemptsDoNotCount() async throws {
        try await SyncHarness.with { h in
            let options = AuthOptions()
            let limiter = AttemptLimiter(client: h.store.client, logger: h.logger, metrics: AuthMetrics())
            let address = ClientAddress("192.0.2.7")
            // Twice the failure limit of attempts, each claimed and then never checked.
            for _ in 0..<(2 * options.maxFailures) {
                var throttle = SignInThrottle(attempts: limiter, options: options, name: "acme/ana", address: address)
                try await throttle.claimForAddress()
                try await throttle.claimForName(unlessKnownDevice: false)
                await throttle.passwordNotChecked()
            }
            // The counters stand at zero: a further attempt is claimed, and so are the limit's worth after it.
            for _ in 0..<options.maxFailures {
                var throttle = SignInThrottle(attempts: limiter, options: options, name: "acme/ana", address: address)
                try await throttle.claimForAddress()
                try await throttle.claimForName(unlessKnownDevice: false)
            }
            // Which are real failures: the next one is refused.
            var refused = SignInThrottle(attempts: limiter, options: options, name: "acme/ana", address: address)
            await #expect(throws: AuthError.self) { try await refused.claimForAddress() }
        }
    }
}
