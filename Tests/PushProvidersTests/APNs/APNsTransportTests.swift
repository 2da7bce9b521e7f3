import Foundation
import PushProviders
import PushStandIns
import Testing

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

    @Test("GOAWAY: that request retries, later sends succeed on a new connection")
    func goAwayRetriesAndReconnects() async throws {
        try await APNsFixture.with { fixture in
            let first = fixture.message()
            #expect(await fixture.provider.send(first).label == "accepted")
            #expect(fixture.standIn.connectionCount == 1)

            let token = APNsFixture.deviceToken(3)
            fixture.standIn.script(token: token, .goAway, times: 1)
            let interrupted = fixture.message(token: token)
            let outcome = await fixture.provider.send(interrupted)
            #expect(outcome.label == "retry", "got \(outcome)")
            #expect(fixture.standIn.deliveryCount(for: token) == 0)

            // The resend keeps its apns-id and is delivered exactly once.
            #expect(await fixture.provider.send(interrupted) == .accepted(providerID: interrupted.id.uuidString.lowercased()))
            for number in 10..<15 {
                #expect(await fixture.provider.send(fixture.message(token: APNsFixture.deviceToken(number))).label == "accepted")
            }
            #expect(fixture.standIn.connectionCount == 2)
            #expect(fixture.standIn.deliveryCount(for: token) == 1)
            #expect(fixture.standIn.deliveries.filter { $0.token == token }.map(\.apnsID) == [interrupted.id.uuidString.lowercased()])
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
