import Foundation
import Testing

@testable import SyncServer

@Suite("VerifiedTokenCache: verified access tokens, never forged ones, never past expiry")
struct VerifiedTokenCacheTests {
    static func claims(expiresAt: Int64) -> AccessClaims {
        AccessClaims(
            subject: UUID().uuidString, tenant: UUID().uuidString, session: UUID().uuidString, device: UUID().uuidString, roles: ["member"],
            issuedAt: expiresAt - 900, expiresAt: expiresAt)
    }

    @Test("A remembered token is answered until its expiry, then forgotten")
    func expiry() throws {
        let cache = VerifiedTokenCache()
        let now = Date(timeIntervalSince1970: 1_000_000)
        let signer = TokenSigner.random()
        let claims = Self.claims(expiresAt: 1_000_060)
        let token = signer.sign(claims)
        #expect(cache.claims(of: token, now: now) == nil)
        cache.remember(token, claims: claims, now: now)
        #expect(cache.claims(of: token, now: now)?.session == claims.session)
        #expect(cache.claims(of: token, now: Date(timeIntervalSince1970: 1_000_059))?.session == claims.session)
        #expect(cache.claims(of: token, now: Date(timeIntervalSince1970: 1_000_060)) == nil)
        #expect(cache.claims(of: token, now: now) == nil, "an expired entry is dropped, not kept for later")
    }

    @Test("Only the exact token text matches: an altered signature or payload is not found")
    func exactMatch() throws {
        let cache = VerifiedTokenCache()
        let now = Date(timeIntervalSince1970: 1_000_000)
        let claims = Self.claims(expiresAt: 1_000_600)
        let token = TokenSigner.random().sign(claims)
        cache.remember(token, claims: claims, now: now)
        var altered = Array(token)
        altered[altered.count - 2] = altered[altered.count - 2] == "A" ? "B" : "A"
        #expect(cache.claims(of: String(altered), now: now) == nil)
        #expect(cache.claims(of: token + ".", now: now) == nil)
        let forged = TokenSigner.random().sign(claims)
        #expect(cache.claims(of: forged, now: now) == nil)
    }

    @Test("When full, expired entries go first, then everything; the newest is kept")
    func capacity() throws {
        let cache = VerifiedTokenCache(capacity: 3)
        let now = Date(timeIntervalSince1970: 1_000_000)
        let stale = Self.claims(expiresAt: 1_000_001)
        cache.remember("stale", claims: stale, now: Date(timeIntervalSince1970: 999_000))
        cache.remember("a", claims: Self.claims(expiresAt: 1_000_600), now: now)
        cache.remember("b", claims: Self.claims(expiresAt: 1_000_600), now: now)
        cache.remember("c", claims: Self.claims(expiresAt: 1_000_600), now: Date(timeIntervalSince1970: 1_000_002))
        #expect(cache.claims(of: "a", now: now) != nil)
        #expect(cache.claims(of: "c", now: now) != nil)
        cache.remember("d", claims: Self.claims(expiresAt: 1_000_600), now: now)
        #expect(cache.claims(of: "d", now: now) != nil)
    }
}
