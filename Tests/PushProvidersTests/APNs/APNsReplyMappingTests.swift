import Foundation
import PushProviders
import PushStandIns
import Testing

@Suite("APNs error replies", .timeLimit(.minutes(3)))
struct APNsReplyMappingTests {
    @Test("BadDeviceToken, scripted and real, disables the token")
    func badDeviceToken() async throws {
        try await APNsFixture.with { fixture in
            let token = APNsFixture.deviceToken(7)
            fixture.standIn.script(token: token, .reject(.badDeviceToken), times: 1)
            #expect(await fixture.provider.send(fixture.message(token: token)) == .invalidToken(reason: "BadDeviceToken", since: nil))
            // A hex token that is too short is refused by the stand-in's own check.
            #expect(await fixture.provider.send(fixture.message(token: "abcd")) == .invalidToken(reason: "BadDeviceToken", since: nil))
            #expect(fixture.standIn.deliveryCount(for: token) == 0)
        }
    }

    @Test("Unregistered and ExpiredToken carry the 410 timestamp")
    func unregisteredWithTimestamp() async throws {
        try await APNsFixture.with { fixture in
            let since = Date(timeIntervalSince1970: 1_700_000_000.123)
            let token = APNsFixture.deviceToken(8)
            fixture.standIn.script(token: token, .reject(.unregistered, timestamp: since), times: 1)
            fixture.standIn.script(token: token, .reject(.expiredToken, timestamp: since), times: 1)
            for reason in ["Unregistered", "ExpiredToken"] {
                let outcome = await fixture.provider.send(fixture.message(token: token))
                guard case .invalidToken(let text, let date) = outcome, let date else {
                    Issue.record("expected .invalidToken with a date, got \(outcome)")
                    continue
                }
                #expect(text == reason)
                #expect(abs(date.timeIntervalSince(since)) < 0.001)
            }
        }
    }

    @Test("ExpiredProviderToken re-signs once and the resend succeeds with the same apns-id")
    func expiredProviderTokenIsResigned() async throws {
        try await APNsFixture.with { fixture in
            let token = APNsFixture.deviceToken(9)
            let warmUp = fixture.message(token: APNsFixture.deviceToken(1))
            #expect(await fixture.provider.send(warmUp) == .accepted(providerID: warmUp.id.uuidString.lowercased()))
            let firstIssuedAt = try #require(fixture.standIn.providerTokenIssuedAts.first)
            fixture.standIn.script(token: token, .reject(.expiredProviderToken), times: 1)
            let message = fixture.message(token: token)
            #expect(await fixture.provider.send(message) == .accepted(providerID: message.id.uuidString.lowercased()))
            let issuedAts = fixture.standIn.providerTokenIssuedAts
            #expect(issuedAts.count == 2)
            #expect((issuedAts.last ?? 0) > firstIssuedAt)
            #expect(fixture.standIn.requestCount == 3)
            #expect(fixture.standIn.deliveryCount(for: token) == 1)
            #expect(fixture.standIn.deliveries.last?.apnsID == message.id.uuidString.lowercased())
        }
    }

    @Test("A token APNs still finds expired after re-signing ends in retry")
    func expiredTwiceIsRetry() async throws {
        // The stand-in's clock runs two hours ahead, so every token the provider signs looks stale.
        let ahead = APNsTestClock(Date().addingTimeInterval(7200))
        try await APNsFixture.with(standInClock: ahead) { fixture in
            let outcome = await fixture.provider.send(fixture.message())
            #expect(outcome == .retry(reason: "ExpiredProviderToken", after: nil))
            #expect(fixture.standIn.requestCount == 2)
            #expect(fixture.standIn.deliveries.isEmpty)
        }
    }

    @Test("Credential and topic errors pause the channel")
    func credentialErrors() async throws {
        try await APNsFixture.with { fixture in
            let reasons: [APNsReason] = [
                .invalidProviderToken, .missingProviderToken, .forbidden, .badCertificate,
                .badCertificateEnvironment, .topicDisallowed, .badTopic, .missingTopic,
            ]
            for (index, reason) in reasons.enumerated() {
                let token = APNsFixture.deviceToken(100 + index)
                fixture.standIn.script(token: token, .reject(reason), times: 1)
                #expect(await fixture.provider.send(fixture.message(token: token)) == .credentialsRejected(reason: reason.rawValue))
            }
            // Real checks, not scripts: a topic outside the key's set, and a revoked key.
            #expect(await fixture.provider.send(fixture.message(topic: "com.other.app")) == .credentialsRejected(reason: "TopicDisallowed"))
            fixture.standIn.rejectAll(with: .invalidProviderToken)
            #expect(await fixture.provider.send(fixture.message()) == .credentialsRejected(reason: "InvalidProviderToken"))
            fixture.standIn.rejectAll(with: nil)
            let message = fixture.message()
            #expect(await fixture.provider.send(message) == .accepted(providerID: message.id.uuidString.lowercased()))
        }
    }

    @Test("Throttling and outages retry, honouring Retry-After")
    func transientErrors() async throws {
        try await APNsFixture.with { fixture in
            let token = APNsFixture.deviceToken(200)
            fixture.standIn.script(token: token, .reject(.tooManyRequests, retryAfter: 30), times: 1)
            #expect(await fixture.provider.send(fixture.message(token: token)) == .retry(reason: "TooManyRequests", after: .seconds(30)))
            let reasons: [APNsReason] = [.internalServerError, .serviceUnavailable, .shutdown]
            for reason in reasons {
                fixture.standIn.script(token: token, .reject(reason), times: 1)
                #expect(await fixture.provider.send(fixture.message(token: token)) == .retry(reason: reason.rawValue, after: nil))
            }
            // A scripted TooManyProviderTokenUpdates throttles for as long as Retry-After says
            // (the provider's own token is brand new, so it may not be replaced for 20 minutes anyway).
            fixture.standIn.script(token: token, .reject(.tooManyProviderTokenUpdates, retryAfter: 3600), times: 1)
            #expect(await fixture.provider.send(fixture.message(token: token)) == .throttled(reason: "TooManyProviderTokenUpdates", after: .seconds(3600)))
            fixture.standIn.script(token: token, .reject(.serviceUnavailable, retryAfter: 120), times: 1)
            #expect(await fixture.provider.send(fixture.message(token: token)) == .retry(reason: "ServiceUnavailable", after: .seconds(120)))
            #expect(fixture.standIn.deliveryCount(for: token) == 0)
            let message = fixture.message(token: token)
            #expect(await fixture.provider.send(message) == .accepted(providerID: message.id.uuidString.lowercased()))
        }
    }

    @Test("Malformed-message errors fail the message")
    func permanentErrors() async throws {
        try await APNsFixture.with { fixture in
            let reasons: [APNsReason] = [
                .payloadTooLarge, .badCollapseId, .badExpirationDate, .badMessageId, .badPriority,
                .deviceTokenNotForTopic, .duplicateHeaders, .missingDeviceToken, .payloadEmpty,
                .invalidPushType, .badPath, .methodNotAllowed,
            ]
            let token = APNsFixture.deviceToken(300)
            for reason in reasons {
                fixture.standIn.script(token: token, .reject(reason), times: 1)
            }
            for reason in reasons {
                #expect(await fixture.provider.send(fixture.message(token: token)) == .failed(reason: reason.rawValue))
            }
            #expect(fixture.standIn.requestCount == reasons.count)
        }
    }

    @Test("Every reason in Apple's table has its documented status and one outcome")
    func reasonTable() {
        for reason in APNsReason.allCases {
            let outcome = APNsReason.outcome(status: reason.status, reason: reason.rawValue, timestamp: nil, retryAfter: nil)
            switch reason.status {
            case 403 where reason != .expiredProviderToken: #expect(outcome.label == "credentials")
            case 410: #expect(outcome.label == "invalid_token")
            case 429 where reason == .tooManyProviderTokenUpdates: #expect(outcome.label == "throttled")
            case 429, 500, 503: #expect(outcome.label == "retry")
            case 404, 405, 413: #expect(outcome.label == "failed")
            default: break
            }
        }
        #expect(APNsReason.outcome(status: 400, reason: "SomethingNew", timestamp: nil, retryAfter: nil) == .failed(reason: "SomethingNew"))
        #expect(APNsReason.outcome(status: 403, reason: nil, timestamp: nil, retryAfter: nil) == .credentialsRejected(reason: "HTTP 403"))
        #expect(APNsReason.outcome(status: 502, reason: nil, timestamp: nil, retryAfter: .seconds(5)) == .retry(reason: "HTTP 502", after: .seconds(5)))
    }
}
