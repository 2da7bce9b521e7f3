import Basics
import Crypto
import Foundation
import PushProviders
import Testing

@Suite("VAPID (RFC 8292)")
struct VAPIDTests {
    typealias Support = WebProvidersTestSupport

    @Test("keys load from PEM and from raw base64url; junk is refused")
    func keyLoading() throws {
        let key = P256.Signing.PrivateKey()
        let fromPEM = try VAPIDKey(string: key.pemRepresentation)
        let fromRaw = try VAPIDKey(string: Base64URL.encode(key.rawRepresentation))
        #expect(fromPEM.publicKeyBase64URL == fromRaw.publicKeyBase64URL)
        #expect(try #require(Base64URL.decode(fromRaw.publicKeyBase64URL)).count == 65)
        #expect(throws: PushProviderError.self) { try VAPIDKey(string: "not a key!") }
        #expect(throws: PushProviderError.self) { try VAPIDKey(string: Base64URL.encode(Data(repeating: 1, count: 20))) }
        expectPushProviderError(.invalidSubject, "VAPID subject must be a mailto: or https: URI, got \"ops@example.com\"") {
            try WebPushConfiguration(vapidKey: fromRaw, subject: "ops@example.com")
        }
    }

    @Test("the Authorization header verifies with k and carries aud, exp and sub")
    func headerVerifies() async throws {
        let clock = Support.Clock()
        let key = VAPIDKey.generate()
        let cache = VAPIDTokenCache(key: key, subject: "mailto:ops@example.com", now: clock.function)
        let header = try await cache.authorization(for: "https://push.example.net")
        let parts = try #require(VAPID.parseAuthorization(header))
        #expect(parts.publicKey == key.publicKeyBase64URL)
        let jwt = try #require(CompactJWT.split(parts.token))
        #expect(jwt.header["alg"] as? String == "ES256")
        #expect(jwt.claims["aud"] as? String == "https://push.example.net")
        #expect(jwt.claims["sub"] as? String == "mailto:ops@example.com")
        let exp = try #require((jwt.claims["exp"] as? NSNumber)?.doubleValue)
        #expect(exp > clock.now.timeIntervalSince1970)
        #expect(exp <= clock.now.timeIntervalSince1970 + VAPID.maximumLifetime)
        let publicKey = try P256.Signing.PublicKey(x963Representation: try #require(Base64URL.decode(parts.publicKey)))
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: jwt.signature)
        #expect(publicKey.isValidSignature(signature, for: jwt.signingInput))
    }

    @Test("tokens are cached per audience and renewed near expiry")
    func caching() async throws {
        let clock = Support.Clock()
        let cache = VAPIDTokenCache(key: .generate(), subject: "https://tidemark.example/contact", now: clock.function)
        let first = try await cache.authorization(for: "https://a.example")
        clock.advance(by: 60)
        #expect(try await cache.authorization(for: "https://a.example") == first)
        let other = try await cache.authorization(for: "https://b.example")
        #expect(other != first)
        #expect(await cache.tokensSigned == 2)
        clock.advance(by: 10 * 3600)  // 10 h 1 min after signing: still > 1 h left of 12 h
        #expect(try await cache.authorization(for: "https://a.example") == first)
        clock.advance(by: 3600)  // 11 h 1 min: less than the 1 h renewal margin left
        let renewed = try await cache.authorization(for: "https://a.example")
        #expect(renewed != first)
        #expect(await cache.tokensSigned == 3)
    }
}
