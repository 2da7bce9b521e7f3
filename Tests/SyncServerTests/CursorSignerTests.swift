import Basics
import Commands
import Foundation
import Testing

@testable import SyncServer

@Suite("Pull cursor signing")
struct CursorSignerTests {
    static let secret = Array("cursor-signer-test-secret-0123456789abcdef".utf8)

    /// A cursor with every field at its longest.
    static let longest = SyncCursor(
        epoch: Int64.max, tenant: UUID(), user: UUID(), device: UUID(), transactionID: UInt64.max, seq: Int64.max,
        included: SyncPushService.maxSeq, snapshotEntity: 7, snapshotKey: "\(UUID().uuidString):\(UUID().uuidString)", walMark: UInt64.max)

    @Test("the longest cursor fits the 512 characters the protocol promises and reads back equal")
    func longestFits() throws {
        let signer = CursorSigner(secret: Self.secret)
        let text = signer.encode(Self.longest)
        #expect(text.count <= 512, "\(text.count)")
        #expect(text.hasPrefix("c1."))
        #expect(try signer.decode(text) == Self.longest)
    }

    @Test("a cursor without a WAL mark (issued before standby reads) still reads back, with no mark")
    func withoutWALMark() throws {
        let signer = CursorSigner(secret: Self.secret)
        var old = Self.longest
        old.walMark = nil
        let text = signer.encode(old)
        #expect(!String(decoding: Base64URL.decode(String(text.split(separator: ".")[1])) ?? Data(), as: UTF8.self).contains("\"w\""))
        #expect(try signer.decode(text).walMark == nil)
    }

    @Test("WAL positions read from their LSN text and back")
    func walPositions() {
        #expect(WALPosition.parse("0/352B240") == 0x352_B240)
        #expect(WALPosition.parse("16/B374D848") == 0x16_B374_D848)
        #expect(WALPosition.parse("FFFFFFFF/FFFFFFFF") == UInt64.max)
        #expect(WALPosition.text(0x16_B374_D848) == "16/B374D848")
        for junk in ["", "16", "16/", "/1", "1/2/3", "G/0", "100000000/0"] { #expect(WALPosition.parse(junk) == nil, "\(junk)") }
    }

    @Test("a cursor is accepted by a signer with the same secret and refused by one with another, or a random key")
    func sameSecretOnly() throws {
        let text = CursorSigner(secret: Self.secret).encode(Self.longest)
        #expect(try CursorSigner(secret: Self.secret).decode(text) == Self.longest)
        for other in [CursorSigner(secret: Array("another-secret-of-at-least-32-bytes-0123".utf8)), .random()] {
            #expect(throws: CommandError(.invalid, "the cursor is not one this server issued")) { try other.decode(text) }
        }
    }

    @Test("the cursor key is not the token key: a cursor MAC never verifies as an access-token signature")
    func domainSeparation() throws {
        // Given a real access token and a cursor signer over the same secret.
        let tokens = try TokenSigner(secret: Self.secret)
        let now = Int64(Date().timeIntervalSince1970)
        let token = tokens.sign(
            AccessClaims(
                subject: UUID().uuidString, tenant: UUID().uuidString, session: UUID().uuidString, device: UUID().uuidString,
                roles: ["admin"], issuedAt: now, expiresAt: now + 600))
        let parts = token.split(separator: ".").map(String.init)
        #expect(throws: Never.self) { try tokens.verify(token, now: Date()) }

        // When the token's header and claims are MACed by the cursor signer instead.
        let forged = CursorSigner(secret: Self.secret).sign(version: parts[0], payload: parts[1])

        // Then the token signer refuses the MAC.
        #expect(forged != token)
        #expect(throws: AuthError(.unauthorized, "the access token's signature is not valid")) { try tokens.verify(forged, now: Date()) }
    }

    @Test("an unsigned cursor of the builds before signing asks for a resync; other texts are refused invalid")
    func legacyAndJunk() throws {
        let signer = CursorSigner(secret: Self.secret)
        let legacy = Base64URL.encode(Data(#"{"e":3,"u":"a1b2","t":100,"s":4,"i":0}"#.utf8))
        #expect(throws: CommandError.self) { try signer.decode(legacy) }
        do {
            _ = try signer.decode(legacy)
        } catch {
            #expect(error.code == .resyncRequired)
        }
        for junk in ["", ".", "c1..", "c1.e30.", String(repeating: "A", count: 513), "c1.\(legacy).AAAA"] {
            do {
                _ = try signer.decode(junk)
                Issue.record("accepted \(junk.prefix(40))")
            } catch {
                #expect(error.code == .invalid, "\(junk.prefix(40))")
            }
        }
    }
}
