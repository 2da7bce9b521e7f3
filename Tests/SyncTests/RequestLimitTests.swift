import Foundation
import SyncClient
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// The limits of docs/protocol.md ("Limits"). The test server trusts `X-Forwarded-For` from
/// 127.0.0.1, so a test speaks from several client addresses.
@Suite("Request limits answer 429 with Retry-After")
struct RequestLimitTests {
    static func from(_ address: String) -> [(String, String)] { [("X-Forwarded-For", address)] }

    static func login(
        _ h: SyncHarness, _ username: String, password: String, from address: String, device: String = UUID().uuidString
    ) async throws -> HTTPAnswer {
        try await h.call(
            .POST, "/v1/auth/login", body: LoginRequest(tenantCode: "acme", username: username, password: password, deviceID: device),
            headers: from(address))
    }

    static func register(_ h: SyncHarness, _ username: String, from address: String) async throws -> HTTPAnswer {
        try await h.call(
            .POST, "/v1/auth/register",
            body: RegisterRequest(tenantCode: "acme", username: username, email: "\(username)@example.com", password: "correct horse battery"),
            headers: from(address))
    }

    /// Waits the seconds an answer's `Retry-After` asks for (plus a little).
    static func waitOut(_ answer: HTTPAnswer) async throws {
        let seconds = try #require(Int(answer.retryAfter ?? ""))
        try await Task.sleep(for: .seconds(seconds) + .milliseconds(200))
    }

    @Test("a stranger guessing from one address locks out only that address: the real user signs in from theirs")
    func strangerDoesNotLockOutTheUser() async throws {
        try await SyncHarness.with { h in
            // Given a user, and a stranger who failed five times from another address
            _ = try await h.createTenant(code: "acme")
            _ = try await h.signUp("ana", tenantCode: "acme")
            for _ in 0..<5 {
                #expect(try await Self.login(h, "ana", password: "guess guess", from: "203.0.113.9").status == 401)
            }
            // When both try again
            let stranger = try await Self.login(h, "ana", password: "correct horse battery", from: "203.0.113.9")
            let user = try await Self.login(h, "ana", password: "correct horse battery", from: "198.51.100.7")
            // Then the stranger's address is throttled, even with the right password, and the user is in
            #expect(stranger.status == 429 && stranger.code == "rate_limited" && (Int(stranger.retryAfter ?? "") ?? 0) > 0)
            #expect(user.status == 200)
        }
    }

    @Test("guessing from many addresses reaches the name's ceiling, which the user's own device passes")
    func nameCeilingSparesKnownDevices() async throws {
        try await SyncHarness.with(configure: { $0.auth.maxFailuresPerName = 8 }) { h in
            // Given a user who signed in on a device before
            _ = try await h.createTenant(code: "acme")
            let known = UUID().uuidString
            _ = try await h.signUp("ana", tenantCode: "acme")
            _ = try await h.signIn("ana", tenantCode: "acme", device: known)
            // When strangers guess from two addresses, 5 each: the name's ceiling (8) is reached
            var answers: [Int] = []
            for address in ["203.0.113.1", "203.0.113.2"] {
                for _ in 0..<5 { answers.append(try await Self.login(h, "ana", password: "guess guess", from: address).status) }
            }
            #expect(answers.filter { $0 == 401 }.count == 8)
            #expect(answers.suffix(2) == [429, 429])
            // Then a new device is refused from any address, but the user's known device gets in
            let newDevice = try await Self.login(h, "ana", password: "correct horse battery", from: "198.51.100.7")
            #expect(newDevice.status == 429 && newDevice.retryAfter != nil)
            let knownDevice = try await Self.login(h, "ana", password: "correct horse battery", from: "198.51.100.7", device: known)
            #expect(knownDevice.status == 200)
        }
    }

    @Test("registrations are limited per client address and per tenant, and allowed again after the window")
    func registrationLimits() async throws {
        try await SyncHarness.with(configure: {
            $0.auth.registrationsPerAddress = 2
            $0.auth.registrationsPerTenant = 3
            $0.auth.registrationWindowSeconds = 2
        }) { h in
            _ = try await h.createTenant(code: "acme")
            // Given two registrations from one address
            #expect(try await Self.register(h, "user1", from: "203.0.113.1").status == 201)
            #expect(try await Self.register(h, "user2", from: "203.0.113.1").status == 201)
            // When a third comes from it, and others from elsewhere
            let third = try await Self.register(h, "user3", from: "203.0.113.1")
            let elsewhere = try await Self.register(h, "user3", from: "203.0.113.2")
            let tenantFull = try await Self.register(h, "user4", from: "203.0.113.3")
            // Then the address limit and then the tenant limit refuse with Retry-After
            #expect(third.status == 429 && third.code == "rate_limited" && third.retryAfter != nil)
            #expect(elsewhere.status == 201)
            #expect(tenantFull.status == 429 && tenantFull.code == "rate_limited" && tenantFull.retryAfter != nil)
            // And after the window the first address registers again
            try await Self.waitOut(third)
            try await Self.waitOut(tenantFull)
            #expect(try await Self.register(h, "user5", from: "203.0.113.1").status == 201)
        }
    }

    @Test("refreshes are limited per client address; the refused token still works after the wait")
    func refreshLimit() async throws {
        try await SyncHarness.with(configure: {
            $0.auth.refreshesPerAddress = 2
            $0.auth.refreshWindowSeconds = 2
        }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            func refresh(_ token: String, from address: String) async throws -> HTTPAnswer {
                try await h.call(.POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: token), headers: Self.from(address))
            }
            // Given two refreshes from one address
            let r1 = try await refresh(ana.tokens.refreshToken, from: "203.0.113.1").decode(TokenResponse.self)
            let r2 = try await refresh(r1.refreshToken, from: "203.0.113.1").decode(TokenResponse.self)
            // When a third comes from it
            let limited = try await refresh(r2.refreshToken, from: "203.0.113.1")
            // Then it is refused, and the token it carried was not used
            #expect(limited.status == 429 && limited.code == "rate_limited" && limited.retryAfter != nil)
            try await Self.waitOut(limited)
            let after = try await refresh(r2.refreshToken, from: "203.0.113.1")
            #expect(after.status == 200)
            #expect(try after.decode(TokenResponse.self).sessionID == ana.tokens.sessionID)
        }
    }

    @Test("pushes and pulls are limited per device with Retry-After; other devices are not affected")
    func deviceLimits() async throws {
        // One token every 4 s, so the refusals below do not depend on how fast the requests are.
        try await SyncHarness.with(configure: {
            $0.syncRateLimits = SyncRateLimits(pullsPerSecond: 0.25, pullBurst: 2, pushesPerSecond: 0.25, pushBurst: 1)
        }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let other = try await h.signIn("ana", tenantCode: "acme")
            // Given a device that pulled twice
            #expect(try await ana.pull(cursor: nil).status == 200)
            #expect(try await ana.pull(cursor: nil).status == 200)
            // When it pulls a third time
            let limited = try await ana.pull(cursor: nil)
            // Then it waits, another device does not
            #expect(limited.status == 429 && limited.code == "rate_limited" && (Int(limited.retryAfter ?? "") ?? 0) >= 1)
            #expect(try await other.pull(cursor: nil).status == 200)
            try await Self.waitOut(limited)
            #expect(try await ana.pull(cursor: nil).status == 200)

            // Pushes: one, then the next waits
            let todo = {
                Mutation(id: UUID().uuidString, seq: $0, name: "todo.create", args: .object(["todo_id": .string(UUID().uuidString), "title": .string("t")]))
            }
            #expect(try await h.call(.POST, "/v1/sync/push", body: SyncPushRequest(mutations: [todo(1)]), token: ana.token).status == 200)
            let pushLimited = try await h.call(.POST, "/v1/sync/push", body: SyncPushRequest(mutations: [todo(2)]), token: ana.token)
            #expect(pushLimited.status == 429 && pushLimited.code == "rate_limited" && pushLimited.retryAfter != nil)
            try await Self.waitOut(pushLimited)
            #expect(try await h.call(.POST, "/v1/sync/push", body: SyncPushRequest(mutations: [todo(2)]), token: ana.token).status == 200)
        }
    }

    @Test("a SyncClient waits out 429 on push and pull and finishes its sync")
    func clientWaitsOutLimits() async throws {
        try await SyncHarness.with(configure: {
            $0.syncRateLimits = SyncRateLimits(pullsPerSecond: 1, pullBurst: 1, pushesPerSecond: 1, pushBurst: 1)
        }) { h in
            // Given a replica whose retry policy really sleeps
            _ = try await h.createTenant(code: "acme")
            _ = try await h.signUp("ana", tenantCode: "acme")
            let device = try await Device.make(h, retryPolicy: RetryPolicy(base: .milliseconds(20), cap: .seconds(5), maxAttempts: 8))
            try await withCleanUp {
                try await device.client.login(tenantCode: "acme", username: "ana", password: "correct horse battery")
                // When it syncs twice in a row (each sync pulls at least a snapshot page and a change page)
                let todo = UUID().uuidString.lowercased()
                try await device.client.mutate(.todoCreate, args: .object(["todo_id": .string(todo), "title": .string("limited")]))
                try await device.client.sync()
                try await device.client.sync()
                // Then both finished, although the server refused some of their requests
                #expect(await device.client.state == .idle)
                let metrics = try await h.call(.GET, "/metrics")
                #expect(metrics.text.contains("tidemark_rate_limited_total{limit=\"pull\"}"))
                // And the replica settles under the limits (its mutation confirmed by a pull)
                try await device.settle()
                #expect(try await device.client.row(.todos, key: todo)?["title"]?.stringValue == "limited")
            } cleanUp: {
                await device.remove()
            }
        }
    }
}
