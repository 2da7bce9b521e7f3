import HummingbirdBcrypt

/// bcrypt password hashes (Provos and Mazières), computed by hummingbird-auth's `HummingbirdBcrypt`
/// (OpenBSD's C implementation), with the checks and typed errors this project relies on.
///
/// ```swift
/// let stored = try PasswordHashing.hash("correct horse battery staple", cost: 10)  // "$2b$10$..."
/// let ok = try PasswordHashing.verify("correct horse battery staple", against: stored)  // true
/// ```
///
/// `HummingbirdBcrypt` traps on a cost outside 4-31 and answers `false` for any string that is not
/// a hash it knows; this type checks both first and throws ``BcryptError`` with a stable code, so a
/// corrupt stored hash is told apart from a wrong password.
///
/// ## Passwords
///
/// A password is taken as its UTF-8 bytes followed by a terminating NUL byte, and only the first
/// **72 bytes** of that count (``maximumPasswordBytes``): passwords that agree on their first 72
/// UTF-8 bytes have the same hash, and a character of several bytes may be cut in the middle. A
/// password that contains U+0000 is refused (`invalid_password`): the C implementation would read
/// it only up to that character. (The hand-written implementation this type replaced kept such a
/// character as a byte; no stored hash comes from one, because sign-up and sign-in refuse U+0000.)
///
/// ## Hash strings
///
/// ``hash(_:cost:)`` always produces `$2b$`. ``verify(_:against:)`` accepts `$2a$`, `$2b$` and
/// `$2y$` and computes them identically, as `$2b$`, as OpenWall's crypt_blowfish does (old OpenBSD
/// `$2a$` differed only for passwords of 255 bytes or more, through a length-wrapping bug that is
/// not reproduced). The legacy `$2x$` and `$2$` are refused as `invalid_hash`.
///
/// Both calls are slow by design (about 60 ms of CPU at cost 10) and block their thread.
public enum PasswordHashing {
    /// The cost used when none is given: 2¹² expensive key-schedule rounds.
    public static let defaultCost = 12

    /// The accepted costs (base-2 logarithm of the number of rounds).
    public static let costRange: ClosedRange<Int> = 4...31

    /// The number of password bytes bcrypt uses; later bytes are ignored.
    public static let maximumPasswordBytes = 72

    /// The number of salt bytes.
    public static let saltByteCount = 16

    /// The length of every bcrypt hash string.
    public static let hashLength = 60

    /// The characters of the salt in a hash string (16 bytes in bcrypt's base64).
    private static let saltLength = 22

    /// Hashes a password with a fresh random salt.
    ///
    /// - Parameters:
    ///   - password: The password. Only its first 72 UTF-8 bytes count.
    ///   - cost: The base-2 logarithm of the number of rounds, in ``costRange``. Each step doubles
    ///     the time.
    /// - Returns: A 60-character `$2b$` hash string: `$2b$`, the two-digit cost, `$`, 22 salt
    ///   characters and 31 hash characters in bcrypt's base64 alphabet `./A-Za-z0-9`.
    /// - Throws: ``BcryptError`` with code `invalid_cost` when the cost is outside ``costRange``,
    ///   or `invalid_password` when the password contains U+0000.
    public static func hash(_ password: String, cost: Int = PasswordHashing.defaultCost) throws(BcryptError) -> String {
        guard costRange.contains(cost), let rounds = UInt8(exactly: cost) else {
            throw BcryptError(
                .invalidCost, "bcrypt cost must be between \(costRange.lowerBound) and \(costRange.upperBound), got \(cost)"
            )
        }
        try checkStorable(password)
        return HummingbirdBcrypt.Bcrypt.hash(password, cost: rounds)
    }

    /// Checks a password against a stored bcrypt hash.
    ///
    /// The password is hashed with the stored cost and salt and the result compared with the
    /// stored hash. The work done is set by the stored cost, so only pass hashes this system
    /// produced or trusts (cost 31 takes days).
    ///
    /// - Parameters:
    ///   - password: The password to check (same rules as in ``hash(_:cost:)``).
    ///   - hash: A 60-character `$2a$`, `$2b$` or `$2y$` bcrypt hash string.
    /// - Returns: `true` when the password matches the hash.
    /// - Throws: ``BcryptError`` with code `invalid_hash` when the string is not a bcrypt hash of
    ///   that shape, `invalid_cost` when its cost is not two digits in ``costRange``,
    ///   `invalid_salt` when its salt is not bcrypt base64, or `invalid_password` when the password
    ///   contains U+0000. A wrong password is not an error.
    public static func verify(_ password: String, against hash: String) throws(BcryptError) -> Bool {
        let canonical = try checkedHash(hash)
        try checkStorable(password)
        return HummingbirdBcrypt.Bcrypt.verify(password, hash: canonical)
    }

    // MARK: - Checks

    /// Refuses a password the C implementation would cut at an embedded NUL.
    private static func checkStorable(_ password: String) throws(BcryptError) {
        guard password.utf8.contains(0) else { return }
        throw BcryptError(.invalidPassword, "a bcrypt password must not contain the character U+0000")
    }

    /// `hash` after checking its shape, under the `$2b$` prefix: `$2y$` is the same computation,
    /// which OpenBSD's implementation knows only as `$2b$`, and its `$2a$` would reproduce the
    /// length-wrapping bug for passwords of 255 bytes or more.
    private static func checkedHash(_ hash: String) throws(BcryptError) -> String {
        let text = Array(hash.utf8)
        let dollar = UInt8(ascii: "$")
        guard text.count >= 7, text[0] == dollar, text[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(text[2]),
            text[3] == dollar, text[6] == dollar
        else {
            throw BcryptError(
                .invalidHash, "not a bcrypt hash: expected a \"$2a$\", \"$2b$\" or \"$2y$\" prefix and a \"$\" after the cost"
            )
        }
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard digits.contains(text[4]), digits.contains(text[5]) else {
            throw BcryptError(.invalidCost, "bcrypt cost must be two decimal digits")
        }
        let cost = Int(text[4] - digits.lowerBound) * 10 + Int(text[5] - digits.lowerBound)
        guard costRange.contains(cost) else {
            throw BcryptError(
                .invalidCost, "bcrypt cost must be between \(costRange.lowerBound) and \(costRange.upperBound), got \(cost)"
            )
        }
        guard text.count == hashLength else {
            throw BcryptError(.invalidHash, "a bcrypt hash is \(hashLength) characters long, got \(text.count)")
        }
        guard text[7..<(7 + saltLength)].allSatisfy(isBase64) else {
            throw BcryptError(.invalidSalt, "bcrypt salt is not in bcrypt's base64 alphabet")
        }
        guard text[(7 + saltLength)...].allSatisfy(isBase64) else {
            throw BcryptError(.invalidHash, "bcrypt hash part is not in bcrypt's base64 alphabet")
        }
        return "$2b" + hash.dropFirst(3)
    }

    /// Whether `byte` is in bcrypt's base64 alphabet `./A-Za-z0-9`.
    private static func isBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            false
        }
    }
}
