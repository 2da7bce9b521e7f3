import Basics
import Crypto
import Foundation
import PushProviders
import Testing

@Suite("Web Push encryption (RFC 8291)")
struct WebPushEncryptionTests {
    // RFC 8291 Appendix A.
    static let plaintext = "When I grow up, I want to be a watermelon"
    static let senderPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
    static let senderPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
    static let receiverPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
    static let receiverPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    static let authSecret = "BTBZMqHH6r4Tts7J_aSIgg"
    static let salt = "DGv6ra1nlYgDCS1FRnbzlw"
    static let body =
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"

    static func decoded(_ text: String) throws -> Data {
        try #require(Base64URL.decode(text))
    }

    @Test("reproduces RFC 8291 Appendix A byte for byte")
    func appendixA() throws {
        let sender = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.decoded(Self.senderPrivate))
        #expect(Base64URL.encode(sender.publicKey.x963Representation) == Self.senderPublic)
        let body = try WebPushEncryption.encrypt(
            Data(Self.plaintext.utf8), userAgentPublicKey: Self.decoded(Self.receiverPublic), authSecret: Self.decoded(Self.authSecret),
            senderKey: sender, salt: Self.decoded(Self.salt)
        )
        #expect(Base64URL.encode(body) == Self.body)
        #expect(body.count == 144)
    }

    @Test("decrypts the RFC 8291 Appendix A body with the receiver's key")
    func appendixADecrypt() throws {
        let receiver = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.decoded(Self.receiverPrivate))
        #expect(Base64URL.encode(receiver.publicKey.x963Representation) == Self.receiverPublic)
        let plaintext = try WebPushDecryption.decrypt(Self.decoded(Self.body), userAgentPrivateKey: receiver, authSecret: Self.decoded(Self.authSecret))
        #expect(String(decoding: plaintext, as: UTF8.self) == Self.plaintext)
    }

    @Test("round trip with fresh keys; tampering and wrong secrets are detected")
    func roundTrip() throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let auth = Data((0..<16).map { UInt8($0 * 7) })
        let message = Data("{\"title\":\"hi\"}".utf8)
        let body = try WebPushEncryption.encrypt(message, userAgentPublicKey: receiver.publicKey.x963Representation, authSecret: auth)
        #expect(body.count == WebPushEncryption.headerLength + message.count + 17)
        #expect(try WebPushDecryption.decrypt(body, userAgentPrivateKey: receiver, authSecret: auth) == message)

        var tampered = body
        tampered[tampered.count - 20] ^= 0x01
        expectPushProviderError(.authenticationFailed) {
            try WebPushDecryption.decrypt(tampered, userAgentPrivateKey: receiver, authSecret: auth)
        }
        expectPushProviderError(.authenticationFailed) {
            try WebPushDecryption.decrypt(body, userAgentPrivateKey: receiver, authSecret: Data(repeating: 1, count: 16))
        }
    }

    @Test("plaintext limit keeps the body within 4096 bytes")
    func sizeLimit() throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let auth = Data(repeating: 9, count: 16)
        let largest = Data(repeating: 0x41, count: WebPushEncryption.maximumPlaintextLength)
        let body = try WebPushEncryption.encrypt(largest, userAgentPublicKey: receiver.publicKey.x963Representation, authSecret: auth)
        #expect(body.count == 4096)
        expectPushProviderError(.plaintextTooLarge, "payload of 3994 bytes exceeds the 3993-byte Web Push limit") {
            try WebPushEncryption.encrypt(largest + Data([0x41]), userAgentPublicKey: receiver.publicKey.x963Representation, authSecret: auth)
        }
    }
}
