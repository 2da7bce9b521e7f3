import Foundation
import PushProviders
import PushStandIns
import Testing
import TidemarkTestSupport

@Suite("Webhook provider against the stand-in", .timeLimit(.minutes(3)))
struct WebhookProviderTests {
    typealias Support = WebProvidersTestSupport

    static func withProvider(
        secret: String = "hook-secret", providerSecret: String? = nil, clock: Support.Clock = Support.Clock(),
        _ body: (WebhookStandIn, WebhookProvider, Support.Clock) async throws -> Void
    ) async throws {
        let standIn = try await WebhookStandIn.start(secret: secret, now: clock.function)
        let configuration = try #require(
            WebhookConfiguration(urlString: standIn.url.absoluteString, secret: providerSecret ?? secret, requestTimeout: .seconds(30), now: clock.function)
        )
        let provider = WebhookProvider(configuration: configuration)
        try await withCleanUp {
            try await body(standIn, provider, clock)
        } cleanUp: {
            try? await provider.shutdown()
            await standIn.stop()
        }
    }

    @Test("posts a signed JSON body the stand-in verifies")
    func delivers() async throws {
        try await Self.withProvider { standIn, provider, clock in
            let message = Support.message(token: "gw-1", now: clock.now, data: ["a": "b"], collapseKey: "c1", priority: .normal)
            let outcome = await provider.send(message)
            guard case .accepted(let id) = outcome else {
                Issue.record("got \(outcome); \(standIn.rejections)")
                return
            }
            #expect(id != nil)
            let delivery = try #require(standIn.deliveries.first)
            #expect(delivery.deliveryHeader == message.id.uuidString.lowercased())
            #expect(delivery.id == message.id.uuidString.lowercased())
            #expect(delivery.token == "gw-1")
            #expect(delivery.title == "Hello")
            #expect(delivery.body == "World")
            #expect(delivery.data == ["a": "b"])
            #expect(delivery.collapseKey == "c1")
            #expect(delivery.priority == "normal")
            #expect(delivery.headers["content-type"] == "application/json")
            #expect(delivery.signature.hasPrefix("t=\(Int(clock.now.timeIntervalSince1970)),v1="))
            try WebhookSignature.verify(header: delivery.signature, body: delivery.rawBody, secret: "hook-secret", now: clock.now)
        }
    }

    @Test("a wrong secret is refused by the gateway (401 → credentialsRejected)")
    func wrongSecret() async throws {
        try await Self.withProvider(providerSecret: "not-the-secret") { standIn, provider, clock in
            #expect(await provider.send(Support.message(token: "gw", now: clock.now)).label == "credentials")
            #expect(standIn.deliveries.isEmpty)
            #expect(standIn.rejections.first?.contains("does not match") == true)
        }
    }

    static let replyRows: [(status: Int, retryAfter: String?, label: String, delay: Duration?)] = [
        (200, nil, "accepted", nil),
        (202, nil, "accepted", nil),
        (404, nil, "invalid_token", nil),
        (410, nil, "invalid_token", nil),
        (401, nil, "credentials", nil),
        (403, nil, "credentials", nil),
        (429, "17", "retry", .seconds(17)),
        (500, nil, "retry", nil),
        (503, "Wed, 21 Oct 2026 07:28:00 GMT", "retry", nil),
        (400, nil, "failed", nil),
        (422, nil, "failed", nil),
    ]

    @Test("gateway replies map to outcomes", arguments: replyRows)
    func replies(row: (status: Int, retryAfter: String?, label: String, delay: Duration?)) async throws {
        try await Self.withProvider { standIn, provider, clock in
            var headers: [String: String] = [:]
            if let retryAfter = row.retryAfter { headers["Retry-After"] = retryAfter }
            standIn.script([LoopbackHTTPResponse(status: row.status, headers: headers)], for: "gw")
            let outcome = await provider.send(Support.message(token: "gw", now: clock.now))
            #expect(outcome.label == row.label, "\(row.status) gave \(outcome)")
            if row.label == "retry", row.retryAfter?.contains("GMT") != true {
                #expect(Support.retryDelay(outcome) == .some(row.delay))
            }
        }
    }

    @Test("an HTTP-date Retry-After is measured from the injected clock")
    func retryAfterDate() async throws {
        let clock = Support.Clock(Date(timeIntervalSince1970: 1_792_567_620))  // 2026-10-21 07:27:00 GMT
        try await Self.withProvider(clock: clock) { standIn, provider, clock in
            standIn.script([LoopbackHTTPResponse(status: 503, headers: ["Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"])], for: "gw")
            let outcome = await provider.send(Support.message(token: "gw", now: clock.now))
            #expect(Support.retryDelay(outcome) == .some(.seconds(60)))
        }
    }

    @Test("a gateway that does not answer in time gives retry")
    func timeout() async throws {
        let server = LoopbackHTTPServer()
        try await server.start { _ in
            try? await Task.sleep(for: .seconds(5))
            return LoopbackHTTPResponse(status: 200)
        }
        let configuration = try #require(
            WebhookConfiguration(urlString: server.origin + "/hook", secret: "s", requestTimeout: .milliseconds(200))
        )
        let provider = WebhookProvider(configuration: configuration)
        let outcome = await provider.send(Support.message(token: "gw", now: Date()))
        #expect(outcome.label == "retry")
        try await provider.shutdown()
        await server.stop()
    }
}
