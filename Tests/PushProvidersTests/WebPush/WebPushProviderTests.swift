import AsyncHTTPClient
import Basics
import Foundation
import NIOCore
import NIOHTTP1
import PushProviders
import PushStandIns
import Testing
import TidemarkTestSupport

@Suite("Web Push provider against the stand-in", .timeLimit(.minutes(3)))
struct WebPushProviderTests {
    typealias Support = WebProvidersTestSupport

    /// Runs `body` with a started stand-in and a provider sharing `clock`, then shuts both down.
    static func withProvider(
        clock: Support.Clock = Support.Clock(), key: VAPIDKey = .generate(), standInClock: Support.Clock? = nil,
        requestTimeout: Duration = .seconds(30),
        _ body: (WebPushStandIn, WebPushProvider, Support.Clock) async throws -> Void
    ) async throws {
        let standIn = try await WebPushStandIn.start(now: (standInClock ?? clock).function)
        let configuration = try WebPushConfiguration(
            vapidKey: key, subject: "mailto:push@tidemark.example", requestTimeout: requestTimeout, now: clock.function,
            allowsPlainHTTPEndpoints: true
        )
        let provider = WebPushProvider(configuration: configuration)
        try await withCleanUp {
            try await body(standIn, provider, clock)
        } cleanUp: {
            try? await provider.shutdown()
            await standIn.stop()
        }
    }

    @Test("encrypts, signs and posts; the stand-in decrypts the payload and sees TTL, Urgency and Topic")
    func delivers() async throws {
        try await Self.withProvider { standIn, provider, clock in
            let subscription = standIn.makeSubscription(applicationServerKey: provider.applicationServerKey)
            var message = Support.message(token: subscription, now: clock.now, data: ["room": "7"], collapseKey: "chat-7", expiresIn: 600.7)
            message.badge = 3
            let outcome = await provider.send(message)
            guard case .accepted(let location) = outcome else {
                Issue.record("expected accepted, got \(outcome); rejections \(standIn.rejections)")
                return
            }
            #expect(location?.hasPrefix(standIn.origin + "/message/") == true)
            let delivery = try #require(standIn.deliveries.first)
            #expect(delivery.ttl == 600)
            #expect(delivery.urgency == "high")
            #expect(delivery.topic == "chat-7")
            #expect(delivery.headers["content-encoding"] == "aes128gcm")
            #expect(delivery.headers["content-type"] == "application/octet-stream")
            #expect(delivery.vapidSubject == "mailto:push@tidemark.example")
            let payload = try #require(delivery.payloadJSON)
            #expect(payload["id"] as? String == message.id.uuidString.lowercased())
            #expect(payload["title"] as? String == "Hello")
            #expect(payload["body"] as? String == "World")
            #expect(payload["data"] as? [String: String] == ["room": "7"])
            #expect(payload["badge"] as? Int == 3)

            let normal = Support.message(token: subscription, now: clock.now, collapseKey: "a key with spaces that is far too long", priority: .normal)
            #expect(await provider.send(normal).label == "accepted")
            let second = try #require(standIn.deliveries.last)
            #expect(second.urgency == "normal")
            #expect(second.topic == WebPushTopic.make(from: "a key with spaces that is far too long"))
            #expect(second.topic?.count == 32)
        }
    }

    @Test("the VAPID header is reused for one push service and renewed near expiry")
    func vapidReuse() async throws {
        try await Self.withProvider { standIn, provider, clock in
            let subscription = standIn.makeSubscription()
            #expect(await provider.send(Support.message(token: subscription, now: clock.now)).label == "accepted")
            #expect(await provider.send(Support.message(token: standIn.makeSubscription(), now: clock.now)).label == "accepted")
            clock.advance(by: 11.5 * 3600)
            #expect(await provider.send(Support.message(token: subscription, now: clock.now)).label == "accepted")
            let headers = standIn.deliveries.map(\.authorization)
            #expect(headers.count == 3)
            #expect(headers[0] == headers[1])
            #expect(headers[2] != headers[0])
            #expect(standIn.deliveries[2].vapidExpiry > clock.now.addingTimeInterval(11 * 3600))
        }
    }

    static let replyRows: [(status: Int, retryAfter: String?, label: String, delay: Duration?)] = [
        (404, nil, "invalid_token", nil),
        (410, nil, "invalid_token", nil),
        (413, nil, "failed", nil),
        (400, nil, "failed", nil),
        (401, nil, "credentials", nil),
        (403, nil, "credentials", nil),
        (429, "30", "retry", .seconds(30)),
        (500, nil, "retry", nil),
        (503, "120", "retry", .seconds(120)),
    ]

    @Test("push service replies map to outcomes", arguments: replyRows)
    func replies(row: (status: Int, retryAfter: String?, label: String, delay: Duration?)) async throws {
        try await Self.withProvider { standIn, provider, clock in
            let subscription = standIn.makeSubscription()
            var headers: [String: String] = [:]
            if let retryAfter = row.retryAfter { headers["Retry-After"] = retryAfter }
            standIn.script([LoopbackHTTPResponse(status: row.status, headers: headers)], for: subscription)
            let outcome = await provider.send(Support.message(token: subscription, now: clock.now))
            #expect(outcome.label == row.label, "\(row.status) gave \(outcome)")
            if row.label == "retry" {
                #expect(Support.retryDelay(outcome) == .some(row.delay))
            }
            #expect(standIn.deliveries.count == 1)
            #expect(await provider.send(Support.message(token: subscription, now: clock.now)).label == "accepted")
        }
    }

    @Test("the stand-in's own VAPID checks: wrong key → 403, expired token → 403; both are credentialsRejected")
    func vapidRejected() async throws {
        try await Self.withProvider { standIn, provider, clock in
            let restricted = standIn.makeSubscription(applicationServerKey: VAPIDKey.generate().publicKeyBase64URL)
            #expect(await provider.send(Support.message(token: restricted, now: clock.now)).label == "credentials")
            #expect(standIn.rejections.last?.hasPrefix("403") == true)
        }
        let standInClock = Support.Clock(Date(timeIntervalSince1970: 1_800_000_000 + 13 * 3600))
        try await Self.withProvider(standInClock: standInClock) { standIn, provider, clock in
            let subscription = standIn.makeSubscription()
            #expect(await provider.send(Support.message(token: subscription, now: clock.now)).label == "credentials")
            #expect(standIn.rejections.last?.contains("expired") == true)
        }
    }

    @Test("bad tokens, expired and oversized messages are settled without a request; a dead endpoint is retried")
    func localFailures() async throws {
        try await Self.withProvider(requestTimeout: .seconds(1)) { standIn, provider, clock in
            let malformed = await provider.send(Support.message(token: "{not json", now: clock.now))
            guard case .failed(let reason) = malformed else {
                Issue.record("got \(malformed)")
                return
            }
            #expect(reason.hasPrefix("BadSubscription"))

            let badKey = #"{"endpoint":"http://127.0.0.1:1/push/x","keys":{"p256dh":"AAAA","auth":"AAAAAAAAAAAAAAAAAAAAAA"}}"#
            let invalid = await provider.send(Support.message(token: badKey, now: clock.now))
            guard case .invalidToken(let invalidReason, _) = invalid else {
                Issue.record("got \(invalid)")
                return
            }
            #expect(invalidReason.hasPrefix("BadSubscription"))

            let subscription = standIn.makeSubscription()
            #expect(await provider.send(Support.message(token: subscription, now: clock.now, expiresIn: -1)).label == "failed")
            let huge = Support.message(token: subscription, now: clock.now, body: String(repeating: "x", count: 5000))
            #expect(await provider.send(huge).label == "failed")
            #expect(standIn.requestCount == 0)

            await standIn.stop()
            #expect(await provider.send(Support.message(token: subscription, now: clock.now)).label == "retry")
        }
    }

    @Test("the stand-in refuses pushes without VAPID (401) or without TTL (400)")
    func standInChecks() async throws {
        let clock = Support.Clock()
        let standIn = try await WebPushStandIn.start(now: clock.function)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        // A client that is not shut down traps in its deinit: clean up even when a request fails.
        try await withCleanUp {
            let subscription = try WebPushSubscription(json: standIn.makeSubscription(), allowPlainHTTP: true)
            let body = try WebPushEncryption.encrypt(Data("{}".utf8), for: subscription)
            let tokens = VAPIDTokenCache(key: .generate(), subject: "mailto:a@b.example", now: clock.function)

            var request = HTTPClientRequest(url: subscription.endpoint.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Encoding", value: "aes128gcm")
            request.body = .bytes(ByteBuffer(bytes: body))
            let unauthenticated = try await client.execute(request, timeout: .seconds(60))
            #expect(unauthenticated.status.code == 401)

            request.headers.add(name: "Authorization", value: try await tokens.authorization(for: standIn.origin))
            let withoutTTL = try await client.execute(request, timeout: .seconds(60))
            #expect(withoutTTL.status.code == 400)

            request.headers.add(name: "TTL", value: "60")
            let accepted = try await client.execute(request, timeout: .seconds(60))
            #expect(accepted.status.code == 201)
            #expect(standIn.deliveries.map(\.payloadText) == ["{}"])
        } cleanUp: {
            try? await client.shutdown()
            await standIn.stop()
        }
    }
}
