import Foundation
import PushProviders
import PushStandIns
import Testing

@Suite("APNs sends", .timeLimit(.minutes(3)))
struct APNsSendTests {
    @Test("An accepted send carries Apple's headers and payload")
    func acceptedSendCarriesHeadersAndPayload() async throws {
        try await APNsFixture.with { fixture in
            let message = fixture.message(
                title: "Tide \"high\"", body: "Line 1\nLine 2 – ünïcødé", data: ["room": "42", "aps": "dropped"],
                collapseKey: "tide-42", priority: .high, badge: 3, threadID: "room-42"
            )
            let outcome = await fixture.provider.send(message)
            #expect(outcome == .accepted(providerID: message.id.uuidString.lowercased()))

            let delivery = try #require(fixture.standIn.deliveries.first)
            #expect(delivery.token == message.token)
            #expect(delivery.headers["apns-topic"] == APNsFixture.topic)
            #expect(delivery.headers["apns-push-type"] == "alert")
            #expect(delivery.headers["apns-priority"] == "10")
            #expect(delivery.headers["apns-expiration"] == String(Int(message.expiresAt.timeIntervalSince1970)))
            #expect(delivery.headers["apns-collapse-id"] == "tide-42")
            #expect(delivery.headers["apns-id"] == message.id.uuidString.lowercased())
            #expect(delivery.apnsID == message.id.uuidString.lowercased())
            #expect(delivery.headers["authorization"]?.hasPrefix("bearer ") == true)

            let json = try #require(delivery.payloadJSON)
            let aps = try #require(json["aps"] as? [String: Any])
            let alert = try #require(aps["alert"] as? [String: Any])
            #expect(alert["title"] as? String == "Tide \"high\"")
            #expect(alert["body"] as? String == "Line 1\nLine 2 – ünïcødé")
            #expect(aps["badge"] as? Int == 3)
            #expect(aps["thread-id"] as? String == "room-42")
            #expect(aps["sound"] as? String == "default")
            #expect(json["room"] as? String == "42")
            #expect(json.count == 2, "aps plus the one custom key; a custom `aps` key is dropped")
        }
    }

    @Test("Normal priority sends 5, the delivery id as collapse id when the message has no collapse key, and the message's own topic")
    func normalPriorityWithoutCollapseKey() async throws {
        try await APNsFixture.with { fixture in
            let message = fixture.message(topic: APNsFixture.topic + ".voip", priority: .normal)
            #expect(await fixture.provider.send(message) == .accepted(providerID: message.id.uuidString.lowercased()))
            let delivery = try #require(fixture.standIn.deliveries.first)
            #expect(delivery.headers["apns-priority"] == "5")
            #expect(delivery.headers["apns-collapse-id"] == message.id.uuidString.lowercased())
            #expect(delivery.headers["apns-topic"] == APNsFixture.topic + ".voip")
            let aps = try #require(delivery.payloadJSON?["aps"] as? [String: Any])
            #expect(aps["badge"] == nil)
            #expect(aps["thread-id"] == nil)
        }
    }

    @Test("Sandbox tokens go to the sandbox URL")
    func sandboxUsesSandboxURL() async throws {
        try await APNsFixture.with(productionURL: "https://127.0.0.1:1") { fixture in
            let message = fixture.message(environment: .sandbox)
            #expect(await fixture.provider.send(message) == .accepted(providerID: message.id.uuidString.lowercased()))
            #expect(fixture.standIn.deliveryCount(for: message.token) == 1)
        }
    }

    @Test("apns-unique-id is preferred as the provider id when APNs sends one")
    func uniqueIDIsProviderID() async throws {
        try await APNsFixture.with(issuesUniqueIDs: true) { fixture in
            let message = fixture.message()
            guard case .accepted(let providerID) = await fixture.provider.send(message) else {
                Issue.record("not accepted")
                return
            }
            #expect(providerID != nil)
            #expect(providerID != message.id.uuidString.lowercased())
        }
    }

    @Test("A payload over 4096 bytes is refused before sending")
    func oversizedPayloadIsRefused() async throws {
        try await APNsFixture.with { fixture in
            let outcome = await fixture.provider.send(fixture.message(body: String(repeating: "x", count: 4100)))
            guard case .failed(let reason) = outcome else {
                Issue.record("expected .failed, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("PayloadTooLarge"))
            #expect(fixture.standIn.requestCount == 0)
        }
    }

    @Test("A collapse id over 64 bytes is refused before sending")
    func longCollapseIDIsRefused() async throws {
        try await APNsFixture.with { fixture in
            let outcome = await fixture.provider.send(fixture.message(collapseKey: String(repeating: "c", count: 65)))
            guard case .failed(let reason) = outcome else {
                Issue.record("expected .failed, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("BadCollapseId"))
            #expect(fixture.standIn.requestCount == 0)
            let exactly64 = fixture.message(collapseKey: String(repeating: "c", count: 64))
            #expect(await fixture.provider.send(exactly64) == .accepted(providerID: exactly64.id.uuidString.lowercased()))
        }
    }

    @Test("Expired messages and non-hex tokens are refused before sending")
    func expiredAndMalformedAreRefused() async throws {
        try await APNsFixture.with { fixture in
            var expired = fixture.message()
            expired.expiresAt = fixture.clock.now.addingTimeInterval(-1)
            guard case .failed = await fixture.provider.send(expired) else {
                Issue.record("an expired message must fail")
                return
            }
            let malformed = fixture.message(token: "not/a token")
            #expect(await fixture.provider.send(malformed) == .invalidToken(reason: "BadDeviceToken: the device token is not hexadecimal", since: nil))
            #expect(fixture.standIn.requestCount == 0)
        }
    }

    @Test("The payload builder escapes JSON and sorts custom keys")
    func payloadEscaping() throws {
        let message = PushMessage(
            id: UUID(), token: "00", title: "a\"b\\c\u{01}", body: "tab\there", data: ["z": "1", "a": "2"],
            expiresAt: Date(), badge: 0
        )
        let text = APNsPayload.encode(message)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let alert = try #require((object["aps"] as? [String: Any])?["alert"] as? [String: Any])
        #expect(alert["title"] as? String == "a\"b\\c\u{01}")
        #expect(alert["body"] as? String == "tab\there")
        #expect(text.hasSuffix(#","a":"2","z":"1"}"#))
    }
}
