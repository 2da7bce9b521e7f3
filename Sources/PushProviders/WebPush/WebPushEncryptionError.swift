/// Why a Web Push message could not be encrypted or decrypted (RFC 8291 / RFC 8188).
public enum WebPushEncryptionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The plaintext does not fit into one 4096-byte record.
    case plaintextTooLarge(length: Int, maximum: Int)
    /// A key, salt or auth secret has the wrong size or is not a valid P-256 point.
    case badKeyMaterial(String)
    /// The body is not a well-formed `aes128gcm` single-record message.
    case malformedBody(String)
    /// The AEAD tag did not verify (wrong keys or tampered body).
    case authenticationFailed
    /// The decrypted record has no valid last-record padding delimiter (`0x02`).
    case badPadding

    /// A readable explanation.
    public var description: String {
        switch self {
        case .plaintextTooLarge(let length, let maximum): "payload of \(length) bytes exceeds the \(maximum)-byte Web Push limit"
        case .badKeyMaterial(let detail): "bad key material: \(detail)"
        case .malformedBody(let detail): "malformed aes128gcm body: \(detail)"
        case .authenticationFailed: "aes128gcm authentication failed"
        case .badPadding: "aes128gcm record has no final padding delimiter"
        }
    }
}
