import Crypto
import Foundation

/// The stored form of one personal string value:
/// `enc:v1:<owner user id>:<base64url(nonce ‖ ciphertext ‖ tag)>`.
///
/// AES-GCM with the owner's 256-bit data key; the authenticated data is the event's stream and
/// the field's name (`user-…/email`), so an envelope copied into another stream or field does not
/// open. The owner's id is in clear so a reader knows which key to fetch; it is an id, not
/// personal data.
public enum PersonalDataEnvelope {
    /// What every envelope starts with.
    public static let prefix = "enc:v1:"
    /// What a personal value reads as once its owner's key is destroyed.
    public static let erasedMarker = "[erased]"

    /// Encrypts `value` for `owner` under `key`, bound to `context`.
    /// - Parameters:
    ///   - value: The plaintext.
    ///   - owner: The user whose data it is (whose key `key` is).
    ///   - key: The owner's data key.
    ///   - context: The authenticated data: the stream and the field path.
    /// - Returns: The envelope string.
    /// - Throws: ``PersonalDataError`` `undecryptable` if the cipher refuses (it does not in practice).
    public static func seal(_ value: String, owner: UUID, key: SymmetricKey, context: String) throws(PersonalDataError) -> String {
        do {
            let box = try AES.GCM.seal(Data(value.utf8), using: key, nonce: AES.GCM.Nonce(), authenticating: Data(context.utf8))
            guard let combined = box.combined else {
                throw PersonalDataError(.undecryptable, "the cipher returned no combined box")
            }
            return prefix + owner.uuidString.lowercased() + ":" + EnvelopeBase64.encode(Array(combined))
        } catch let error as PersonalDataError {
            throw error
        } catch {
            throw PersonalDataError(.undecryptable, "a personal value could not be encrypted")
        }
    }

    /// The owner named by `text` when it is an envelope, else `nil`.
    public static func owner(of text: String) -> UUID? {
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.utf8.dropFirst(prefix.utf8.count)
        guard rest.count > 37 else { return nil }
        return UUID(uuidString: String(decoding: rest.prefix(36), as: UTF8.self))
    }

    /// Decrypts the envelope `text` with its owner's `key`, bound to `context`.
    /// - Parameters:
    ///   - text: The envelope.
    ///   - key: The owner's data key, or `nil` when it was destroyed.
    ///   - context: The authenticated data it was sealed with.
    /// - Returns: The plaintext, or ``erasedMarker`` without a key.
    /// - Throws: ``PersonalDataError`` `undecryptable` for a malformed or tampered envelope.
    public static func open(_ text: String, key: SymmetricKey?, context: String) throws(PersonalDataError) -> String {
        guard let key else { return erasedMarker }
        let sealed = Substring(text).utf8.dropFirst(prefix.utf8.count + 37)
        guard let combined = EnvelopeBase64.decode(sealed) else {
            throw PersonalDataError(.undecryptable, "a personal value is not a well-formed envelope (\(context))")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw PersonalDataError(.undecryptable, "a personal value does not authenticate with its owner's key (\(context))")
        }
    }
}
