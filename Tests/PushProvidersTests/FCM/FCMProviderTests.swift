import Foundation
import PushProviders
import PushStandIns
import Testing
import TidemarkTestSupport

@Suite("FCM provider against the stand-in", .timeLimit(.minutes(3)))
struct FCMProviderTests {
    typealias Support = WebProvidersTestSupport

    static func withProvider(
        clock: Support.Clock = Support.Clock(), requestTimeout: Duration = .seconds(30),
        _ body: (FCMStandIn, FCMProvider, Support.Clock) async throws -> Void
    ) async throws {
        let standIn = try await FCMStandIn.start(now: clock.function)
        let configuration = try FCMConfiguration(
            serviceAccountJSON: standIn.makeServiceAccountJSON(), endpointBase: standIn.baseURL, requestTimeout: requestTimeout, now: clock.function
        )
        let provider = FCMProvider(configuration: configuration)
        try await withCleanUp {
            try await body(standIn, provider, clock)
        } cleanUp: {
            try? await provider.shutdown()
            await standIn.stop()
        }
    }

    @Test("one OAuth token serves many sends; the body carries notification, data, android and apns fields")
    func tokenReuse() async throws {
        try await Self.withProvider { standIn, provider, clock in
            var message = Support.message(token: "reg-1", now: clock.now, data: ["room": "7"], collapseKey: "chat-7", expiresIn: 900.5)
            message.badge = 2
            let outcome = await provider.send(message)
            guard case .accepted(let name) = outcome else {
                Issue.record("got \(outcome); \(standIn.rejections)")
                return
            }
            #expect(name?.hasPrefix("projects/tidemark-test/messages/") == true)
            for index in 0..<3 {
                let next = Support.message(token: "reg-\(index)", now: clock.now, priority: .normal)
                #expect(await provider.send(next).label == "accepted")
            }
            #expect(standIn.issuedTokenCount == 1)
            #expect(await provider.tokens.fetchCount == 1)
            let first = try #require(standIn.messages.first)
            #expect(first.registrationToken == "reg-1")
            #expect(first.title == "Hello")
            #expect(first.body == "World")
            #expect(first.data == ["room": "7", "delivery_id": message.id.uuidString.lowercased()])
            #expect(first.androidPriority == "HIGH")
            #expect(first.androidTTL == "900s")
            #expect(first.collapseKey == "chat-7")
            #expect(first.apnsHeaders["apns-collapse-id"] == "chat-7")
            #expect(first.apnsHeaders["apns-expiration"] == String(Int(message.expiresAt.timeIntervalSince1970)))
            #expect(standIn.messages.last?.androidPriority == "NORMAL")
            #expect(standIn.messages.last?.collapseKey == nil)
        }
    }

    @Test("the notification tag is the collapse key, else the delivery id: messages of one kind do not hide each other, a resend replaces itself")
    func tagPerDelivery() async throws {
        try await Self.withProvider { standIn, provider, clock in
            // Given two notifications of one kind (the thread id the dispatcher sets) and two announcements with one collapse key
            var first = Support.message(token: "reg", now: clock.now, title: "First")
            first.threadID = "notification"
            var second = Support.message(token: "reg", now: clock.now, title: "Second")
            second.threadID = "notification"
            let older = Support.message(token: "reg", now: clock.now, title: "Older", collapseKey: "announcement:1")
            let newer = Support.message(token: "reg", now: clock.now, title: "Newer", collapseKey: "announcement:1")

            // When each is sent, and the first once more (a resend after a timeout)
            for message in [first, second, first, older, newer] {
                #expect(await provider.send(message).label == "accepted")
            }

            // Then the device shows the two notifications once each and only the newer announcement
            #expect(
                standIn.messages.map(\.tag) == [
                    first.id.uuidString.lowercased(), second.id.uuidString.lowercased(), first.id.uuidString.lowercased(),
                    "announcement:1", "announcement:1",
                ])
            #expect(standIn.shown(for: "reg").compactMap(\.title) == ["Second", "First", "Newer"])
        }
    }

    @Test("concurrent sends share one token fetch")
    func sharedFetch() async throws {
        try await Self.withProvider { standIn, provider, clock in
            let now = clock.now
            let outcomes = await withTaskGroup(of: PushOutcome.self) { group in
                for index in 0..<6 {
                    group.addTask { await provider.send(Support.message(token: "reg-\(index)", now: now)) }
                }
                return await group.reduce(into: [PushOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.allSatisfy { $0.label == "accepted" })
            #expect(standIn.issuedTokenCount == 1)
        }
    }

    @Test("the token is refreshed once the injected clock passes its expiry")
    func refreshAfterExpiry() async throws {
        try await Self.withProvider { standIn, provider, clock in
            #expect(await provider.send(Support.message(token: "reg", now: clock.now)).label == "accepted")
            clock.advance(by: 3000)  // 50 min: still within 3600 s minus the 5 min margin
            #expect(await provider.send(Support.message(token: "reg", now: clock.now)).label == "accepted")
            #expect(standIn.issuedTokenCount == 1)
            clock.advance(by: 600)  // 60 min: past the refresh point
            #expect(await provider.send(Support.message(token: "reg", now: clock.now)).label == "accepted")
            #expect(standIn.issuedTokenCount == 2)
            let tokens = standIn.messages.map(\.accessToken)
            #expect(tokens[0] == tokens[1] && tokens[1] != tokens[2])
        }
    }

    @Test("401 drops the token, fetches a new one and retries once; a second 401 is credentialsRejected")
    func unauthenticatedRetry() async throws {
        try await Self.withProvider { standIn, provider, clock in
            #expect(await provider.send(Support.message(token: "reg", now: clock.now)).label == "accepted")
            standIn.revokeAllAccessTokens()
            #expect(await provider.send(Support.message(token: "reg", now: clock.now)).label == "accepted")
            #expect(standIn.issuedTokenCount == 2)
            #expect(standIn.sendRequestCount == 3)

            standIn.script([.unauthenticated, .unauthenticated], for: "stubborn")
            #expect(await provider.send(Support.message(token: "stubborn", now: clock.now)).label == "credentials")
            #expect(standIn.issuedTokenCount == 3)
            #expect(standIn.sendRequestCount == 5)
        }
    }

    @Test("a token endpoint that refuses the account gives credentialsRejected")
    func tokenRefused() async throws {
        try await Self.withProvider { standIn, provider, clock in
            standIn.rejectsCredentials = true
            let outcome = await provider.send(Support.message(token: "reg", now: clock.now))
            guard case .credentialsRejected(let reason) = outcome else {
                Issue.record("got \(outcome)")
                return
            }
            #expect(reason.contains("invalid_grant"))
            #expect(standIn.sendRequestCount == 0)
            standIn.rejectsCredentials = false
            #expect(await provider.send(Support.message(token: "reg", now: clock.now)).label == "accepted")
        }
    }

    static let errorRows: [(reply: FCMStandInReply, label: String, delay: Duration?)] = [
        (.unregistered, "invalid_token", nil),
        (.senderIDMismatch, "invalid_token", nil),
        (.invalidArgument(), "invalid_token", nil),
        (.invalidArgument(message: "Invalid value at 'message.android.ttl'"), "failed", nil),
        (.quotaExceeded(retryAfter: nil), "retry", .seconds(60)),
        (.quotaExceeded(retryAfter: 5), "retry", .seconds(60)),
        (.quotaExceeded(retryAfter: 300), "retry", .seconds(300)),
        (.unavailable(retryAfter: 45), "retry", .seconds(45)),
        (.unavailable(retryAfter: nil), "retry", nil),
        (.internalError(retryAfter: nil), "retry", nil),
        (.thirdPartyAuthError, "credentials", nil),
        (.permissionDenied, "credentials", nil),
    ]

    @Test("FCM error replies map to outcomes", arguments: errorRows)
    func errors(row: (reply: FCMStandInReply, label: String, delay: Duration?)) async throws {
        try await Self.withProvider { standIn, provider, clock in
            standIn.script([row.reply], for: "reg")
            let outcome = await provider.send(Support.message(token: "reg", now: clock.now))
            #expect(outcome.label == row.label, "\(row.reply) gave \(outcome)")
            if row.label == "retry" {
                #expect(Support.retryDelay(outcome) == .some(row.delay))
            }
            #expect(standIn.sendRequestCount == 1)
            #expect(standIn.issuedTokenCount == 1)
        }
    }

    @Test("expired messages fail without a request; an unreachable FCM is retried")
    func localFailures() async throws {
        try await Self.withProvider(requestTimeout: .seconds(1)) { standIn, provider, clock in
            #expect(await provider.send(Support.message(token: "reg", now: clock.now, expiresIn: 0)).label == "failed")
            #expect(standIn.tokenRequestCount == 0)
            await standIn.stop()
            #expect(await provider.send(Support.message(token: "reg", now: clock.now)).label == "retry")
        }
    }
}
