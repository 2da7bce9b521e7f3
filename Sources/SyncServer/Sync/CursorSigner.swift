import Basics
import Commands
import Crypto
import Foundation

/// Makes pull cursors opaque and tamper-evident: `c1.<payload>.<mac>`, where the payload is the
/// base64url JSON of a ``SyncCursor`` and the MAC is HMAC-SHA256 over `c1.<payload>`.
///
/// The key is derived from the server's token secret with HKDF-SHA256 under its own label, so a
/// cursor MAC can never stand in for an access-token signature (or the reverse). Every instance
/// that shares the secret, and the same instance after a restart, accepts the cursors of the
/// others. Without a secret the key is random and cursors die with the process (clients then
/// take a fresh snapshot).
public struct CursorSigner: Sendable {
    /// The version prefix of the cursors this build issues.
    static let version = "c1"
    /// The longest cursor text accepted or issued (the protocol promises at most 512 characters).
    static let maxLength = 512

    private let key: SymmetricKey

    /// Derives the cursor key from the server's token secret.
    /// - Parameter secret: The secret that also signs access tokens (`TIDEMARK_JWT_SECRET`).
    public init(secret: [UInt8]) {
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), salt: Array("tidemark".utf8),
            info: Array("tidemark-cursor-v1".utf8), outputByteCount: 32)
    }

    private init(key: SymmetricKey) { self.key = key }

    /// A signer with a random key: its cursors are refused after a restart (development and tests).
    public static func random() -> CursorSigner { CursorSigner(key: SymmetricKey(size: .bits256)) }

    /// The text form of `cursor`.
    func encode(_ cursor: SyncCursor) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let payload = Base64URL.encode((try? encoder.encode(cursor)) ?? Data())
        return sign(version: Self.version, payload: payload)
    }

    /// `<version>.<payload>.<mac>` for an already encoded payload (tests forge with it).
    func sign(version: String, payload: String) -> String {
        let input = version + "." + payload
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key)
        return input + "." + Base64URL.encode(Data(mac))
    }

    /// The cursor of a text this server issued.
    ///
    /// - Throws: ``CommandError`` `invalid` for a text this server did not issue (altered, made
    ///   up, signed with another key, or of an unknown version); `resync_required` for an unsigned
    ///   cursor of the builds before cursors were signed.
    func decode(_ text: String) throws(CommandError) -> SyncCursor {
        guard text.utf8.count <= Self.maxLength else { throw Self.notIssued }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            if parts.count == 1, Self.isLegacy(parts[0]) {
                throw CommandError(.resyncRequired, "the cursor is from an older server version; pull without a cursor")
            }
            throw Self.notIssued
        }
        guard parts[0] == Self.version, let mac = Base64URL.decode(parts[2]), mac.count == SHA256.byteCount,
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data("\(parts[0]).\(parts[1])".utf8), using: key),
            let payload = Base64URL.decode(parts[1]),
            let cursor = try? JSONDecoder().decode(SyncCursor.self, from: payload)
        else { throw Self.notIssued }
        return cursor
    }

    static let notIssued = CommandError(.invalid, "the cursor is not one this server issued")

    /// Whether `text` is an unsigned cursor of the builds before version `c1` (base64url JSON
    /// with an epoch and a user).
    private static func isLegacy(_ text: Substring) -> Bool {
        struct Legacy: Decodable {
            var epoch: Int64
            var user: String
            enum CodingKeys: String, CodingKey { case epoch = "e", user = "u" }
        }
        return Base64URL.decode(text).flatMap { try? JSONDecoder().decode(Legacy.self, from: $0) } != nil
    }
}
