import Crypto
import Foundation

/// The user agent's side of RFC 8291: decrypts an `aes128gcm` Web Push body with the subscription's
/// private key and auth secret. Used by the Web Push stand-in and by tests.
public enum WebPushDecryption {
    /// Decrypts a single-record `aes128gcm` body and strips its padding.
    public static func decrypt(
        _ body: Data, userAgentPrivateKey: P256.KeyAgreement.PrivateKey, authSecret: Data
    ) throws(PushProviderError) -> Data {
        let bytes = [UInt8](body)
        guard bytes.count >= 21 else { throw PushProviderError.malformedBody("shorter than the header") }
        let salt = Data(bytes[0..<16])
        let recordSize = bytes[16..<20].reduce(0) { ($0 << 8) | Int($1) }
        let idLength = Int(bytes[20])
        guard recordSize >= 18 else { throw PushProviderError.malformedBody("record size \(recordSize) below 18") }
        guard idLength == 65, bytes.count >= 21 + idLength else { throw PushProviderError.malformedBody("key id must be a 65-byte P-256 point") }
        let senderPublic = Data(bytes[21..<(21 + idLength)])
        let record = Data(bytes[(21 + idLength)...])
        guard record.count >= 17 else { throw PushProviderError.malformedBody("record shorter than the tag") }
        guard record.count <= recordSize else { throw PushProviderError.malformedBody("more than one record (\(record.count) > rs \(recordSize))") }
        guard authSecret.count == 16 else { throw PushProviderError.badKeyMaterial("auth secret must be 16 bytes") }
        let senderKey: P256.KeyAgreement.PublicKey
        do {
            senderKey = try P256.KeyAgreement.PublicKey(x963Representation: senderPublic)
        } catch {
            throw PushProviderError.badKeyMaterial("key id is not a P-256 point")
        }
        let padded: Data
        do {
            let shared = try userAgentPrivateKey.sharedSecretFromKeyAgreement(with: senderKey)
            let keys = try WebPushEncryption.deriveKeys(
                sharedSecret: shared, authSecret: authSecret,
                userAgentPublicKey: userAgentPrivateKey.publicKey.x963Representation,
                senderPublicKey: senderPublic, salt: salt
            )
            let box = try AES.GCM.SealedBox(nonce: keys.nonce, ciphertext: record.dropLast(16), tag: record.suffix(16))
            padded = try AES.GCM.open(box, using: keys.key)
        } catch {
            throw PushProviderError(.authenticationFailed, "aes128gcm authentication failed")
        }
        guard let delimiter = padded.lastIndex(where: { $0 != 0 }), padded[delimiter] == 0x02 else {
            throw PushProviderError(.invalidPadding, "aes128gcm record has no final padding delimiter")
        }
        return Data(padded[padded.startIndex..<delimiter])
    }
}
