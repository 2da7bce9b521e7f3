import Commands
import Testing

@Suite("bcrypt hashing and verification (PasswordHashing over HummingbirdBcrypt)")
struct BcryptTests {
    /// The characters of bcrypt's base64 alphabet.
    static let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A valid `$2b$04$` hash of "correct horse battery staple", used as the base of the malformed cases.
    static let valid = "$2b$04$Cpi9BYYX7PBhFMU6SaRsau0c1RGsauvuQOb3Q//Cuj8ZsFgrcGA/2"

    // MARK: - Round trips

    @Test("A hash has the $2b$ format: 60 characters, the two-digit cost, base64 salt and hash")
    func hashFormat() throws {
        let hash = try PasswordHashing.hash("hunter2", cost: 4)
        #expect(hash.count == 60)
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(hash.dropFirst(7).allSatisfy { Self.alphabet.contains($0) })
    }

    @Test("A hash verifies with its password and not with another one")
    func roundTrip() throws {
        let hash = try PasswordHashing.hash("correct horse battery staple", cost: 4)
        #expect(try PasswordHashing.verify("correct horse battery staple", against: hash))
        #expect(try !PasswordHashing.verify("correct horse battery stapler", against: hash))
        #expect(try !PasswordHashing.verify("Correct horse battery staple", against: hash))
        #expect(try !PasswordHashing.verify("", against: hash))
    }

    @Test("Unicode and empty passwords round-trip")
    func unicodeAndEmpty() throws {
        for password in ["", "pässwörd", "密码🔑", "e\u{301}"] {
            let hash = try PasswordHashing.hash(password, cost: 4)
            #expect(try PasswordHashing.verify(password, against: hash))
        }
        // Canonically equivalent strings with different UTF-8 bytes are different passwords.
        let composed = try PasswordHashing.hash("\u{e9}", cost: 4)
        #expect(try !PasswordHashing.verify("e\u{301}", against: composed))
    }

    @Test("Without a salt, every hash gets a fresh random salt")
    func randomSalt() throws {
        let first = try PasswordHashing.hash("same password", cost: 4)
        let second = try PasswordHashing.hash("same password", cost: 4)
        #expect(first != second)
        #expect(first.prefix(29) != second.prefix(29))
        #expect(try PasswordHashing.verify("same password", against: first))
        #expect(try PasswordHashing.verify("same password", against: second))
    }

    @Test("$2a$, $2b$ and $2y$ prefixes verify the same body")
    func acceptedPrefixes() throws {
        let body = Self.valid.dropFirst(3)
        for prefix in ["$2a", "$2b", "$2y"] {
            #expect(try PasswordHashing.verify("correct horse battery staple", against: prefix + body))
        }
    }

    @Test("Costs format as two digits and round-trip", arguments: [4, 5, 6])
    func costs(cost: Int) throws {
        let hash = try PasswordHashing.hash("pw", cost: cost)
        #expect(hash.hasPrefix("$2b$0\(cost)$"))
        #expect(try PasswordHashing.verify("pw", against: hash))
    }

    @Test("The public constants describe bcrypt")
    func constants() {
        #expect(PasswordHashing.defaultCost == 12)
        #expect(PasswordHashing.costRange == 4...31)
        #expect(PasswordHashing.maximumPasswordBytes == 72)
        #expect(PasswordHashing.saltByteCount == 16)
        #expect(PasswordHashing.hashLength == 60)
    }

    // MARK: - 72-byte truncation

    @Test("Only the first 72 bytes of a password count")
    func truncation() throws {
        let base = String(repeating: "x", count: 72)
        let hash = try PasswordHashing.hash(base, cost: 4)
        #expect(try PasswordHashing.verify(base + "anything else", against: hash))
        #expect(try PasswordHashing.verify(base + String(repeating: "y", count: 500), against: hash))
        #expect(try !PasswordHashing.verify(String(base.dropLast()), against: hash))
        #expect(try !PasswordHashing.verify("y" + base.dropFirst(), against: hash))
    }

    @Test("A 71-byte password keeps its terminating NUL and differs from its 72-byte extensions")
    func seventyOneBytes() throws {
        let base = String(repeating: "x", count: 71)
        let hash = try PasswordHashing.hash(base, cost: 4)
        #expect(try PasswordHashing.verify(base, against: hash))
        #expect(try !PasswordHashing.verify(base + "x", against: hash))
    }

    @Test("The cut is in bytes: a multi-byte character straddling byte 72 is split")
    func truncationInBytes() throws {
        // 71 ASCII bytes then "é" (2 bytes) or "è" (2 bytes): both start with 0xc3, so only that
        // byte survives the cut and the two passwords collide.
        let prefix = String(repeating: "a", count: 71)
        let hash = try PasswordHashing.hash(prefix + "é", cost: 4)
        #expect(try PasswordHashing.verify(prefix + "è", against: hash))
        #expect(try !PasswordHashing.verify(prefix, against: hash))
    }

    @Test("A password containing U+0000 is refused with invalid_password, by hash and by verify")
    func embeddedNul() throws {
        // The C implementation would read "abc\0def" as "abc": refusing it keeps the two apart.
        #expect(code { () throws(BcryptError) in try PasswordHashing.hash("abc\0def", cost: 4) } == .invalidPassword)
        #expect(code { () throws(BcryptError) in try PasswordHashing.verify("abc\0def", against: Self.valid) } == .invalidPassword)
        #expect(try !PasswordHashing.verify("abc", against: Self.valid))
    }

    // MARK: - Errors

    /// Runs `body` and returns the code of the `BcryptError` it throws, or `nil`.
    private func code(_ body: () throws(BcryptError) -> some Any) -> BcryptError.Code? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.code
        }
    }

    @Test("Costs outside 4...31 are rejected with invalid_cost", arguments: [-1, 0, 3, 32, 100])
    func invalidCost(cost: Int) {
        #expect(code { () throws(BcryptError) in try PasswordHashing.hash("pw", cost: cost) } == .invalidCost)
    }

    /// Strings that are not bcrypt hashes, by their shape.
    static let malformedHashes: [String] = {
        let afterPrefix = String(valid.dropFirst(4))  // "04$..."
        let afterCost = String(valid.dropFirst(7))  // salt and hash
        let allButLast = String(valid.dropLast())
        var hashes: [String] = ["", "not a bcrypt hash", "$2b$04$", allButLast, valid + "x"]
        hashes.append("$2x$" + afterPrefix)
        hashes.append("$2c$" + afterPrefix)
        hashes.append("$3b$" + afterPrefix)
        hashes.append("$2$04$" + afterCost)
        hashes.append("$2b$04x" + afterCost)
        hashes.append("x2b$04$" + afterCost)
        hashes.append(allButLast + "=")
        hashes.append(allButLast + "+")
        hashes.append(allButLast + "é")
        hashes.append(" " + String(valid.dropFirst()))
        return hashes
    }()

    @Test("Malformed hash strings are rejected with invalid_hash", arguments: malformedHashes)
    func invalidHash(hash: String) {
        #expect(code { () throws(BcryptError) in try PasswordHashing.verify("pw", against: hash) } == .invalidHash)
    }

    @Test(
        "Hash strings with a bad cost are rejected with invalid_cost",
        arguments: ["00", "03", "32", "99", "ab", "4$", "-1", " 4"]
    )
    func invalidCostInHash(cost: String) {
        let hash = "$2b$" + cost + Self.valid.dropFirst(6)
        #expect(code { () throws(BcryptError) in try PasswordHashing.verify("pw", against: hash) } == .invalidCost)
    }

    @Test("Hash strings whose salt is not bcrypt base64 are rejected with invalid_salt", arguments: ["!", "+", "=", "-", "_"])
    func invalidSaltInHash(character: String) {
        let hash = "$2b$04$" + character + Self.valid.dropFirst(8)
        #expect(hash.count == 60)
        #expect(code { () throws(BcryptError) in try PasswordHashing.verify("pw", against: hash) } == .invalidSalt)
    }

    @Test("Error codes and descriptions are stable")
    func errorCodes() throws {
        #expect(BcryptError.Code.invalidHash.rawValue == "invalid_hash")
        #expect(BcryptError.Code.invalidCost.rawValue == "invalid_cost")
        #expect(BcryptError.Code.invalidSalt.rawValue == "invalid_salt")
        #expect(BcryptError.Code.invalidPassword.rawValue == "invalid_password")
        let error = #expect(throws: BcryptError.self) { try PasswordHashing.hash("pw", cost: 3) }
        #expect(error?.code == .invalidCost)
        #expect(error?.description.hasPrefix("invalid_cost: ") == true)
        #expect(error?.message.contains("3") == true)
    }
}
