import Basics
import Crypto
import Foundation
import PushProviders
import Testing

@Suite("Web Push subscriptions and topics")
struct WebPushSubscriptionTests {
    static let p256dh = Base64URL.encode(P256.KeyAgreement.PrivateKey().publicKey.x963Representation)
    static let auth = Base64URL.encode(Data(repeating: 3, count: 16))

    static func json(endpoint: String = "https://push.example.net/send/abc", p256dh: String = p256dh, auth: String = auth) -> String {
        #"{"endpoint":"\#(endpoint)","keys":{"p256dh":"\#(p256dh)","auth":"\#(auth)"}}"#
    }

    @Test("parses a browser subscription and derives the VAPID audience")
    func parses() throws {
        let subscription = try WebPushSubscription(json: Self.json(endpoint: "https://push.example.net:8443/send/abc"))
        #expect(subscription.auth.count == 16)
        #expect(subscription.p256dh.count == 65)
        #expect(subscription.origin == "https://push.example.net:8443")
        let again = try WebPushSubscription(json: subscription.json)
        #expect(again == subscription)
    }

    @Test("malformed JSON and unusable fields give distinct errors")
    func errors() {
        expectPushProviderError(.malformedSubscription, "BadSubscription: malformed subscription JSON: not a JSON object") {
            try WebPushSubscription(json: "abc")
        }
        expectPushProviderError(.malformedSubscription, "BadSubscription: malformed subscription JSON: missing object \"keys\"") {
            try WebPushSubscription(json: #"{"endpoint":"https://x.example/1"}"#)
        }
        #expect(throws: PushProviderError.self) { try WebPushSubscription(json: Self.json(p256dh: Base64URL.encode(Data(repeating: 4, count: 65)))) }
        expectPushProviderError(.invalidAuthSecret, "BadSubscription: bad keys.auth: expected 16 bytes, got 8") {
            try WebPushSubscription(json: Self.json(auth: Base64URL.encode(Data(repeating: 1, count: 8))))
        }
        #expect(throws: PushProviderError.self) { try WebPushSubscription(json: Self.json(endpoint: "http://push.example.net/1")) }
        #expect((try? WebPushSubscription(json: Self.json(endpoint: "http://127.0.0.1:9/1"), allowPlainHTTP: true)) != nil)
    }

    @Test("VAPID audience is the endpoint origin")
    func audience() throws {
        #expect(VAPID.audience(for: try #require(URL(string: "https://fcm.googleapis.com/fcm/send/x"))) == "https://fcm.googleapis.com")
        #expect(VAPID.audience(for: try #require(URL(string: "https://Push.Example:443/a"))) == "https://push.example")
        #expect(VAPID.audience(for: try #require(URL(string: "http://127.0.0.1:8080/push/1"))) == "http://127.0.0.1:8080")
    }

    @Test("Topic uses a fitting collapse key as is, else 32 base64url characters of its hash")
    func topic() {
        #expect(WebPushTopic.make(from: "chat-42_x") == "chat-42_x")
        let long = WebPushTopic.make(from: "conversation:1234/with spaces and more than thirty-two characters")
        #expect(long.count == 32)
        #expect(long.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(long == WebPushTopic.make(from: "conversation:1234/with spaces and more than thirty-two characters"))
        #expect(WebPushTopic.make(from: "a.b") != "a.b")
        #expect(WebPushTopic.make(from: "a.b").count == 32)
    }
}
