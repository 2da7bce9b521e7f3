/// bcrypt password hashing (Provos and Mazières), compatible with OpenBSD's and OpenWall's
/// `$2a$`, `$2b$` and `$2y$` hashes.
///
/// ```swift
/// let stored = try Bcrypt.hash("correct horse battery staple")   // "$2b$12$..."
/// let ok = try Bcrypt.verify("correct horse battery staple", against: stored)  // true
/// ```
///
/// ## Passwords
///
/// A password is taken as its UTF-8 bytes followed by a terminating NUL byte, as OpenBSD's
/// bcrypt sees a C string, and:
///
/// - Only the first **72 bytes** of that are used (``maximumPasswordBytes``): passwords that
///   agree on their first 72 UTF-8 bytes have the same hash (a password of 72 bytes or more loses
///   its terminating NUL). A character of several UTF-8 bytes may be cut in the middle. Callers
///   that need longer secrets should pre-hash them or reject them.
/// - A NUL character (U+0000) inside a password is kept as a byte, as pyca/bcrypt and the Rust
///   `bcrypt` crate do, rather than ending the password early: `"abc\0def"` and `"abc"` have
///   different hashes. (A C `crypt()` cannot take such a password at all.)
///
/// ## Hash strings
///
/// ``hash(_:cost:salt:)`` always produces `$2b$`. ``verify(_:against:)`` accepts `$2a$`, `$2b$`
/// and `$2y$` and computes them identically, as OpenWall's crypt_blowfish does (old OpenBSD
/// `$2a$` differed only for passwords of 255 bytes or more, through a length-wrapping bug that is
/// not reproduced). The legacy `$2x$` (OpenWall's bug-compatible mode for 8-bit passwords) and
/// `$2$` are rejected as `invalid_hash`.
public enum Bcrypt {
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

    /// The number of raw hash bytes the string encodes (the 24-byte output minus its last byte).
    private static let digestByteCount = 23

    /// Hashes a password.
    ///
    /// - Parameters:
    ///   - password: The password. Only its first 72 UTF-8 bytes count; an embedded NUL
    ///     character is kept as a byte (see the type's documentation).
    ///   - cost: The base-2 logarithm of the number of rounds, in ``costRange``. Each step doubles
    ///     the time.
    ///   - salt: Exactly 16 salt bytes, or `nil` (the default) for 16 fresh bytes from
    ///     `SystemRandomNumberGenerator`. Give a salt only for tests and known-answer checks.
    /// - Returns: A 60-character `$2b$` hash string: `$2b$`, the two-digit cost, `$`, 22 salt
    ///   characters and 31 hash characters in bcrypt's base64 alphabet `./A-Za-z0-9`.
    /// - Throws: ``BcryptError`` with code `invalid_cost` when the cost is outside ``costRange``,
    ///   or `invalid_salt` when the salt is not 16 bytes.
    public static func hash(
        _ password: String,
        cost: Int = Bcrypt.defaultCost,
        salt: [UInt8]? = nil
    ) throws(BcryptError) -> String {
        try hash(passwordBytes: password.utf8, cost: cost, salt: salt)
    }

    /// Checks a password against a stored bcrypt hash.
    ///
    /// The password is hashed with the stored cost and salt, and the resulting 23 hash bytes are
    /// compared with the stored ones in constant time. As in OpenBSD, the unused low bits of the
    /// last salt character and of the last hash character are ignored. The work done is set by
    /// the stored cost, so only pass hashes this system produced or trusts (cost 31 takes days).
    ///
    /// - Parameters:
    ///   - password: The password to check (same rules as in ``hash(_:cost:salt:)``).
    ///   - hash: A 60-character `$2a$`, `$2b$` or `$2y$` bcrypt hash string.
    /// - Returns: `true` when the password matches the hash.
    /// - Throws: ``BcryptError`` with code `invalid_hash` when the string is not a bcrypt hash of
    ///   that shape, `invalid_cost` when its cost is not two digits in ``costRange``, or
    ///   `invalid_salt` when its salt is not bcrypt base64. A wrong password is not an error.
    public static func verify(_ password: String, against hash: String) throws(BcryptError) -> Bool {
        try verify(passwordBytes: password.utf8, against: hash)
    }

    // MARK: - Internals

    /// ``hash(_:cost:salt:)`` for a password given as raw bytes (which need not be UTF-8, as in
    /// the C implementations' test vectors).
    static func hash(
        passwordBytes: some Sequence<UInt8>,
        cost: Int,
        salt: [UInt8]?
    ) throws(BcryptError) -> String {
        guard costRange.contains(cost) else {
            throw BcryptError(
                .invalidCost,
                "bcrypt cost must be between \(costRange.lowerBound) and \(costRange.upperBound), got \(cost)"
            )
        }
        let saltBytes: [UInt8]
        if let salt {
            guard salt.count == saltByteCount else {
                throw BcryptError(
                    .invalidSalt,
                    "bcrypt salt must be \(saltByteCount) bytes, got \(salt.count)"
                )
            }
            saltBytes = salt
        } else {
            saltBytes = randomSalt()
        }
        let digest = EksBlowfish.digest(key: key(for: passwordBytes), salt: saltBytes, cost: cost)
        let costText = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$2b$\(costText)$"
            + BcryptBase64.encode(saltBytes)
            + BcryptBase64.encode(Array(digest.prefix(digestByteCount)))
    }

    /// ``verify(_:against:)`` for a password given as raw bytes.
    static func verify(passwordBytes: some Sequence<UInt8>, against hash: String) throws(BcryptError) -> Bool {
        let (cost, salt, expected) = try parse(hash)
        let digest = EksBlowfish.digest(key: key(for: passwordBytes), salt: salt, cost: cost)
        return constantTimeEquals(Array(digest.prefix(digestByteCount)), expected)
    }

    /// The key bytes bcrypt uses for a password: its bytes, then a terminating NUL, cut to 72
    /// bytes. Embedded NUL bytes are kept (see the type's documentation).
    static func key(for password: some Sequence<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(maximumPasswordBytes)
        for byte in password {
            if bytes.count == maximumPasswordBytes { break }
            bytes.append(byte)
        }
        if bytes.count < maximumPasswordBytes {
            bytes.append(0)
        }
        return bytes
    }

    /// 16 bytes from the system's cryptographically secure generator.
    private static func randomSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(saltByteCount)
        while bytes.count < saltByteCount {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < saltByteCount {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return bytes
    }

    /// Splits a hash string into its cost, salt bytes and 23 hash bytes.
    private static func parse(_ hash: String) throws(BcryptError) -> (cost: Int, salt: [UInt8], digest: [UInt8]) {
        let text = Array(hash.utf8)
        let dollar = UInt8(ascii: "$")
        guard text.count >= 7, text[0] == dollar, text[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(text[2]),
            text[3] == dollar, text[6] == dollar
        else {
            throw BcryptError(
                .invalidHash,
                "not a bcrypt hash: expected a \"$2a$\", \"$2b$\" or \"$2y$\" prefix and a \"$\" after the cost"
            )
        }
        let zero = UInt8(ascii: "0")
        let nine = UInt8(ascii: "9")
        guard (zero...nine).contains(text[4]), (zero...nine).contains(text[5]) else {
            throw BcryptError(.invalidCost, "bcrypt cost must be two decimal digits")
        }
        let cost = Int(text[4] - zero) * 10 + Int(text[5] - zero)
        guard costRange.contains(cost) else {
            throw BcryptError(
                .invalidCost,
                "bcrypt cost must be between \(costRange.lowerBound) and \(costRange.upperBound), got \(cost)"
            )
        }
        guard text.count == hashLength else {
            throw BcryptError(
                .invalidHash,
                "a bcrypt hash is \(hashLength) characters long, got \(text.count)"
            )
        }
        let saltLength = BcryptBase64.encodedLength(byteCount: saltByteCount)
        guard let salt = BcryptBase64.decode(text[7..<(7 + saltLength)], byteCount: saltByteCount) else {
            throw BcryptError(.invalidSalt, "bcrypt salt is not in bcrypt's base64 alphabet")
        }
        guard let digest = BcryptBase64.decode(text[(7 + saltLength)...], byteCount: digestByteCount) else {
            throw BcryptError(.invalidHash, "bcrypt hash part is not in bcrypt's base64 alphabet")
        }
        return (cost, salt, digest)
    }

    /// Compares two byte arrays in time that depends only on their lengths.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
