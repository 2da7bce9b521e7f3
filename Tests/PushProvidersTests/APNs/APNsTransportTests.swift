import Foundation
import PushProviders
import PushStandIns
import Testing
import TidemarkTestSupport

@Suite("APNs transport", .timeLimit(.minutes(3)))
struct APNsTransportTests {
    @Test("A reply slower than the request timeout ends in retry near the deadline")
    func slowReplyTimesOut() async throws {
        try await APNsFixture.with(requestTimeout: .seconds(2)) { fixture in
            // Opens the connection; under a busy test run its outcome does not matter.
            _ = await fixture.provider.send(fixture.message())
            let token = APNsFixture.deviceToken(2)
            fixture.standIn.script(token: token, .delay(.seconds(30)), times: 1)
            let start = ContinuousClock.now
            let outcome = await fixture.provider.send(fixture.message(token: token))
            let elapsed = ContinuousClock.now - start
            guard case .retry(let reason, nil) = outcome else {
                Issue.record("expected .retry, got \(outcome)")
                return
            }
            // Under a busy parallel run the first connection may be gone and the new one may not
            // connect in time either: both are the timeout this test is about.
            #expect(reason.hasPrefix("Timeout") || reason.contains("connectTimeout"), "\(reason)")
            // It gave up long before the stand-in would have answered (a generous bound: the suite runs in parallel).
            #expect(elapsed < .seconds(25), "took \(elapsed)")
            // The provider stays usable (a busy machine may time out a send or two; one of three must pass).
            var accepted = false
            for _ in 0..<3 where !accepted {
                let next = fixture.message()
                accepted = await fixture.provider.send(next) == .accepted(providerID: next.id.uuidString.lowercased())
            }
            #expect(accepted)
        }
    }

    @Test("A request a GOAWAY refused unprocessed (above its last stream id) is sent again at once on a new connection")
    func goAwayRefusedRequestIsResentAtOnce() async throws {
        try await APNsFixture.with { fixture in
            let first = fixture.message()
            #expect(await fixture.provider.send(first).label == "accepted")
            #expect(fixture.standIn.connectionCount == 1)

            // Given APNs going away before it processed the next request
            let token = APNsFixture.deviceToken(3)
            fixture.standIn.script(token: token, .goAway, times: 1)
            let interrupted = fixture.message(token: token)

            // When it is sent once
            let outcome = await fixture.provider.send(interrupted)

            // Then that one send went out again on a new connection and was accepted, once, with its apns-id
            #expect(outcome == .accepted(providerID: interrupted.id.uuidString.lowercased()), "got \(outcome)")
            #expect(fixture.standIn.connectionCount == 2)
            #expect(fixture.standIn.deliveryCount(for: token) == 1)
            #expect(fixture.standIn.deliveries.filter { $0.token == token }.map(\.apnsID) == [interrupted.id.uuidString.lowercased()])
            for number in 10..<15 {
                #expect(await fixture.provider.send(fixture.message(token: APNsFixture.deviceToken(number))).label == "accepted")
            }
            #expect(fixture.standIn.connectionCount == 2)
        }
    }

    @Test("A request a GOAWAY may have covered (at or below its last stream id) retries; the resend replaces it on the device")
    func goAwayAfterProcessingRetries() async throws {
        try await APNsFixture.with { fixture in
            #expect(await fixture.provider.send(fixture.message()).label == "accepted")

            // Given APNs processing a request and then going away without answering it
            let token = APNsFixture.deviceToken(5)
            fixture.standIn.script(token: token, .goAwayAfterProcessing, times: 1)
            let interrupted = fixture.message(token: token)

            // When it is sent, and sent again as the dispatcher would after the retry
            let outcome = await fixture.provider.send(interrupted)
            #expect(outcome.label == "retry", "got \(outcome)")
            #expect(await fixture.provider.send(interrupted) == .accepted(providerID: interrupted.id.uuidString.lowercased()))

            // Then the device received it twice and shows it once
            #expect(fixture.standIn.deliveryCount(for: token) == 2)
            #expect(fixture.standIn.shown(for: token).count == 1)
        }
    }

    @Test("A resend after a reply slower than the deadline replaces the first copy on the device (same apns-collapse-id)")
    func resendAfterTimeoutShowsOnce() async throws {
        try await APNsFixture.with(requestTimeout: .seconds(2)) { fixture in
            // Opens the connection; under a busy test run its outcome does not matter.
            _ = await fixture.provider.send(fixture.message())
            // Given a device whose notification APNs answers only after the provider gave up on it
            let token = APNsFixture.deviceToken(4)
            fixture.standIn.script(token: token, .delay(.seconds(4)), times: 1)
            let message = fixture.message(token: token)
            let first = await fixture.provider.send(message)
            #expect(first.label == "retry", "got \(first)")

            // When the message is sent again until it is accepted, as the dispatcher does
            var accepted = false
            for _ in 0..<3 where !accepted {
                accepted = await fixture.provider.send(message).label == "accepted"
            }
            #expect(accepted)
            try await eventually("APNs received the message twice", timeout: .seconds(60)) { fixture.standIn.deliveryCount(for: token) >= 2 }

            // Then APNs received it twice, and the device shows it once
            #expect(fixture.standIn.deliveryCount(for: token) >= 2)
            let shown = fixture.standIn.shown(for: token)
            #expect(shown.count == 1)
            #expect(shown.first?.headers["apns-collapse-id"] == message.id.uuidString.lowercased())
        }
    }

    @Test("500 concurrent sends complete over one connection")
    func concurrentSendsShareOneConnection() async throws {
        try await APNsFixture.with { fixture in
            #expect(await fixture.provider.send(fixture.message()).label == "accepted")
            let provider = fixture.provider
            let messages = (0..<500).map { fixture.message(token: APNsFixture.deviceToken(1000 + $0)) }
            let accepted = await withTaskGroup(of: Bool.self) { group in
                for message in messages {
                    group.addTask { await provider.send(message).label == "accepted" }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 500)
            #expect(fixture.standIn.deliveries.count == 501)
            #expect(fixture.standIn.connectionCount == 1)
            #expect(messages.allSatisfy { fixture.standIn.deliveryCount(for: $0.token) == 1 })
            #expect(fixture.standIn.providerTokenIssuedAts.count == 1)
        }
    }
}
