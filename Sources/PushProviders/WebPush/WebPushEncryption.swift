import Crypto
import Foundation

/// Message encryption for Web Push (RFC 8291) in the `aes128gcm` content coding (RFC 8188).
///
/// The body is `salt (16) | rs (uint32 BE, 4096) | idlen (65) | keyid (sender public key) | record`,
/// where the single record is AES-128-GCM over `plaintext | 0x02`. Keys come from ECDH P-256 between
/// a fresh sender key pair and the subscription's `p256dh`, mixed with its `auth` secret via
/// HKDF-SHA256 exactly as RFC 8291 §3.3–3.4 describe.
public enum WebPushEncryption {
    /// The record size written in the header (RFC 8291 §4 recommends one record of 4096 bytes).
    public static let recordSize = 4096
    /// Bytes in the header: salt, record size, key id length and a 65-byte key id.
    public static let headerLength = 16 + 4 + 1 + 65
    /// The largest plaintext that keeps the whole body within 4096 bytes (RFC 8291 §4: 3993).
    public static let maximumPlaintextLength = recordSize - headerLength - 16 - 1

    /// Encrypts `plaintext` for `subscription` with a fresh sender key pair and random salt.
    public static func encrypt(_ plaintext: Data, for subscription: WebPushSubscription) throws(PushProviderError) -> Data {
        try encrypt(plaintext, userAgentPublicKey: subscription.p256dh, authSecret: subscription.auth)
    }

    /// Encrypts `plaintext` for a user agent's public key (65-byte uncompressed point) and 16-byte auth secret.
    ///
    /// - Parameters:
    ///   - senderKey: the application server's ephemeral ECDH key; inject one only to reproduce a test vector.
    ///   - salt: 16 random bytes; inject only to reproduce a test vector.
    public static func encrypt(
        _ plaintext: Data, userAgentPublicKey: Data, authSecret: Data,
        senderKey: P256.KeyAgreement.PrivateKey = P256.KeyAgreement.PrivateKey(),
        salt: Data? = nil
    ) throws(PushProviderError) -> Data {
        guard plaintext.count <= maximumPlaintextLength else {
            throw PushProviderError(
                .plaintextTooLarge, "payload of \(plaintext.count) bytes exceeds the \(maximumPlaintextLength)-byte Web Push limit"
            )
        }
        let salt = salt ?? randomBytes(16)
        guard salt.count == 16 else { throw PushProviderError.badKeyMaterial("salt must be 16 bytes") }
        guard authSecret.count == 16 else { throw PushProviderError.badKeyMaterial("auth secret must be 16 bytes") }
        let userAgentKey: P256.KeyAgreement.PublicKey
        do {
            userAgentKey = try P256.KeyAgreement.PublicKey(x963Representation: userAgentPublicKey)
        } catch {
            throw PushProviderError.badKeyMaterial("user agent public key is not an uncompressed P-256 point")
        }
        let senderPublic = senderKey.publicKey.x963Representation
        let keys: (key: SymmetricKey, nonce: AES.GCM.Nonce)
        let sealed: AES.GCM.SealedBox
        do {
            let shared = try senderKey.sharedSecretFromKeyAgreement(with: userAgentKey)
            keys = try deriveKeys(
                sharedSecret: shared, authSecret: authSecret, userAgentPublicKey: userAgentPublicKey,
                senderPublicKey: senderPublic, salt: salt
            )
            var record = plaintext
            record.append(0x02)
            sealed = try AES.GCM.seal(record, using: keys.key, nonce: keys.nonce)
        } catch {
            throw PushProviderError.badKeyMaterial("key agreement or sealing failed: \(error)")
        }
        var body = Data(capacity: headerLength + plaintext.count + 17)
        body.append(salt)
        withUnsafeBytes(of: UInt32(recordSize).bigEndian) { body.append(contentsOf: $0) }
        body.append(UInt8(senderPublic.count))
        body.append(senderPublic)
        body.append(sealed.ciphertext)
        body.append(sealed.tag)
        return body
    }

    /// Derives the content-encryption key and nonce (RFC 8291 §3.3–3.4, RFC 8188 §2.2–2.3).
    ///
    /// `IKM = HKDF(auth, ecdh, "WebPush: info\0" | ua_public | as_public, 32)`,
    /// `CEK = HKDF(salt, IKM, "Content-Encoding: aes128gcm\0", 16)`,
    /// `NONCE = HKDF(salt, IKM, "Content-Encoding: nonce\0", 12)` (single record, sequence number 0).
    static func deriveKeys(
        sharedSecret: SharedSecret, authSecret: Data, userAgentPublicKey: Data, senderPublicKey: Data, salt: Data
    ) throws -> (key: SymmetricKey, nonce: AES.GCM.Nonce) {
        var keyInfo = Data("WebPush: info".utf8)
        keyInfo.append(0)
        keyInfo.append(userAgentPublicKey)
        keyInfo.append(senderPublicKey)
        let ikm = sharedSecret.hkdfDerivedSymmetricKey(using: SHA256.self, salt: authSecret, sharedInfo: keyInfo, outputByteCount: 32)
        var cekInfo = Data("Content-Encoding: aes128gcm".utf8)
        cekInfo.append(0)
        var nonceInfo = Data("Content-Encoding: nonce".utf8)
        nonceInfo.append(0)
        let cek = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: cekInfo, outputByteCount: 16)
        let nonceKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: nonceInfo, outputByteCount: 12)
        let nonce = try AES.GCM.Nonce(data: nonceKey.withUnsafeBytes { Data($0) })
        return (cek, nonce)
    }

    static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
