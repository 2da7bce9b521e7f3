@testable import Bcrypt
import Testing

@Suite("bcrypt hashing and verification")
struct BcryptTests {
    /// The characters of bcrypt's base64 alphabet.
    static let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A valid `$2b$04$` hash of "correct horse battery staple", used as the base of the malformed cases.
    static let valid = "$2b$04$Cpi9BYYX7PBhFMU6SaRsau0c1RGsauvuQOb3Q//Cuj8ZsFgrcGA/2"

    // MARK: - Round trips

    @Test("A hash has the $2b$ format: 60 characters, the two-digit cost, base64 salt and hash")
    func hashFormat() throws {
        let hash = try Bcrypt.hash("hunter2", cost: 4)
        #expect(hash.count == 60)
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(hash.dropFirst(7).allSatisfy { Self.alphabet.contains($0) })
    }

    @Test("A hash verifies with its password and not with another one")
    func roundTrip() throws {
        let hash = try Bcrypt.hash("correct horse battery staple", cost: 4)
        #expect(try Bcrypt.verify("correct horse battery staple", against: hash))
        #expect(try !Bcrypt.verify("correct horse battery stapler", against: hash))
        #expect(try !Bcrypt.verify("Correct horse battery staple", against: hash))
        #expect(try !Bcrypt.verify("", against: hash))
    }

    @Test("Unicode and empty passwords round-trip")
    func unicodeAndEmpty() throws {
        for password in ["", "pässwörd", "密码🔑", "e\u{301}"] {
            let hash = try Bcrypt.hash(password, cost: 4)
            #expect(try Bcrypt.verify(password, against: hash))
        }
        // Canonically equivalent strings with different UTF-8 bytes are different passwords.
        let composed = try Bcrypt.hash("\u{e9}", cost: 4)
        #expect(try !Bcrypt.verify("e\u{301}", against: composed))
    }

    @Test("Without a salt, every hash gets a fresh random salt")
    func randomSalt() throws {
        let first = try Bcrypt.hash("same password", cost: 4)
        let second = try Bcrypt.hash("same password", cost: 4)
        #expect(first != second)
        #expect(first.prefix(29) != second.prefix(29))
        #expect(try Bcrypt.verify("same password", against: first))
        #expect(try Bcrypt.verify("same password", against: second))
    }

    @Test("A given salt makes hashing deterministic and is encoded in the hash")
    func givenSalt() throws {
        let salt = [UInt8](repeating: 0, count: 16)
        let first = try Bcrypt.hash("pw", cost: 4, salt: salt)
        let second = try Bcrypt.hash("pw", cost: 4, salt: salt)
        #expect(first == second)
        #expect(first.hasPrefix("$2b$04$......................"))
    }

    @Test("$2a$, $2b$ and $2y$ prefixes verify the same body")
    func acceptedPrefixes() throws {
        let body = Self.valid.dropFirst(3)
        for prefix in ["$2a", "$2b", "$2y"] {
            #expect(try Bcrypt.verify("correct horse battery staple", against: prefix + body))
        }
    }

    @Test("Costs format as two digits and round-trip", arguments: [4, 5, 6])
    func costs(cost: Int) throws {
        let hash = try Bcrypt.hash("pw", cost: cost)
        #expect(hash.hasPrefix("$2b$0\(cost)$"))
        #expect(try Bcrypt.verify("pw", against: hash))
    }

    @Test("The public constants describe bcrypt")
    func constants() {
        #expect(Bcrypt.defaultCost == 12)
        #expect(Bcrypt.costRange == 4...31)
        #expect(Bcrypt.maximumPasswordBytes == 72)
        #expect(Bcrypt.saltByteCount == 16)
        #expect(Bcrypt.hashLength == 60)
    }

    // MARK: - 72-byte truncation

    @Test("Only the first 72 bytes of a password count")
    func truncation() throws {
        let base = String(repeating: "x", count: 72)
        let hash = try Bcrypt.hash(base, cost: 4)
        #expect(try Bcrypt.verify(base + "anything else", against: hash))
        #expect(try Bcrypt.verify(base + String(repeating: "y", count: 500), against: hash))
        #expect(try !Bcrypt.verify(String(base.dropLast()), against: hash))
        #expect(try !Bcrypt.verify("y" + base.dropFirst(), against: hash))
    }

    @Test("A 71-byte password keeps its terminating NUL and differs from its 72-byte extensions")
    func seventyOneBytes() throws {
        let base = String(repeating: "x", count: 71)
        let hash = try Bcrypt.hash(base, cost: 4)
        #expect(try Bcrypt.verify(base, against: hash))
        #expect(try !Bcrypt.verify(base + "x", against: hash))
    }

    @Test("The cut is in bytes: a multi-byte character straddling byte 72 is split")
    func truncationInBytes() throws {
        // 71 ASCII bytes then "é" (2 bytes) or "è" (2 bytes): both start with 0xc3, so only that
        // byte survives the cut and the two passwords collide.
        let prefix = String(repeating: "a", count: 71)
        let hash = try Bcrypt.hash(prefix + "é", cost: 4)
        #expect(try Bcrypt.verify(prefix + "è", against: hash))
        #expect(try !Bcrypt.verify(prefix, against: hash))
    }

    @Test("The key is the password bytes plus a NUL, cut to 72 bytes")
    func keyBytes() {
        #expect(Bcrypt.key(for: "abc".utf8) == [0x61, 0x62, 0x63, 0])
        #expect(Bcrypt.key(for: "".utf8) == [0])
        #expect(Bcrypt.key(for: "a\0b".utf8) == [0x61, 0, 0x62, 0])
        #expect(Bcrypt.key(for: String(repeating: "z", count: 71).utf8).count == 72)
        #expect(Bcrypt.key(for: String(repeating: "z", count: 71).utf8).last == 0)
        #expect(Bcrypt.key(for: String(repeating: "z", count: 72).utf8) == [UInt8](repeating: 0x7a, count: 72))
        #expect(Bcrypt.key(for: String(repeating: "z", count: 200).utf8).count == 72)
    }

    @Test("An embedded NUL is part of the password, not its end")
    func embeddedNul() throws {
        let hash = try Bcrypt.hash("abc\0def", cost: 4)
        #expect(try Bcrypt.verify("abc\0def", against: hash))
        #expect(try !Bcrypt.verify("abc", against: hash))
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
        #expect(code { () throws(BcryptError) in try Bcrypt.hash("pw", cost: cost) } == .invalidCost)
    }

    @Test("Salts that are not 16 bytes are rejected with invalid_salt", arguments: [0, 1, 15, 17, 32])
    func invalidSalt(length: Int) {
        let salt = [UInt8](repeating: 7, count: length)
        #expect(code { () throws(BcryptError) in try Bcrypt.hash("pw", cost: 4, salt: salt) } == .invalidSalt)
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
        #expect(code { () throws(BcryptError) in try Bcrypt.verify("pw", against: hash) } == .invalidHash)
    }

    @Test(
        "Hash strings with a bad cost are rejected with invalid_cost",
        arguments: ["00", "03", "32", "99", "ab", "4$", "-1", " 4"]
    )
    func invalidCostInHash(cost: String) {
        let hash = "$2b$" + cost + Self.valid.dropFirst(6)
        #expect(code { () throws(BcryptError) in try Bcrypt.verify("pw", against: hash) } == .invalidCost)
    }

    @Test("Hash strings whose salt is not bcrypt base64 are rejected with invalid_salt", arguments: ["!", "+", "=", "-", "_"])
    func invalidSaltInHash(character: String) {
        let hash = "$2b$04$" + character + Self.valid.dropFirst(8)
        #expect(hash.count == 60)
        #expect(code { () throws(BcryptError) in try Bcrypt.verify("pw", against: hash) } == .invalidSalt)
    }

    @Test("Error codes and descriptions are stable")
    func errorCodes() throws {
        #expect(BcryptError.Code.invalidHash.rawValue == "invalid_hash")
        #expect(BcryptError.Code.invalidCost.rawValue == "invalid_cost")
        #expect(BcryptError.Code.invalidSalt.rawValue == "invalid_salt")
        let error = #expect(throws: BcryptError.self) { try Bcrypt.hash("pw", cost: 3) }
        #expect(error?.code == .invalidCost)
        #expect(error?.description.hasPrefix("invalid_cost: ") == true)
        #expect(error?.message.contains("3") == true)
    }

    // MARK: - Building blocks

    @Test("bcrypt base64 uses ./A-Za-z0-9 and round-trips salt and hash lengths")
    func base64() {
        #expect(BcryptBase64.encode([UInt8](repeating: 0, count: 16)) == "......................")
        #expect(BcryptBase64.encode([UInt8](repeating: 0xff, count: 3)) == "9999")
        #expect(BcryptBase64.encode([0, 0x10, 0x83]) == "./AB")
        #expect(BcryptBase64.encodedLength(byteCount: 16) == 22)
        #expect(BcryptBase64.encodedLength(byteCount: 23) == 31)
        var generator = SystemRandomNumberGenerator()
        for count in [16, 23, 1, 2, 3] {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = BcryptBase64.encode(bytes)
            #expect(text.count == BcryptBase64.encodedLength(byteCount: count))
            #expect(BcryptBase64.decode(Array(text.utf8), byteCount: count) == bytes)
        }
        #expect(BcryptBase64.decode(Array("....".utf8), byteCount: 2) == nil)
        #expect(BcryptBase64.decode(Array("..=".utf8), byteCount: 2) == nil)
    }

    @Test("The constant-time comparison compares contents and lengths")
    func constantTimeEquals() {
        #expect(Bcrypt.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Bcrypt.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Bcrypt.constantTimeEquals([0x80, 2, 3], [0, 2, 3]))
        #expect(!Bcrypt.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(Bcrypt.constantTimeEquals([], []))
    }

    @Test("The initial Blowfish state is pi's digits")
    func blowfishConstants() {
        #expect(EksBlowfish.initialP.count == 18)
        #expect(EksBlowfish.initialS.count == 1024)
        #expect(EksBlowfish.initialP.first == 0x243f_6a88)
        #expect(EksBlowfish.initialP.last == 0x8979_fb1b)
        #expect(EksBlowfish.initialS[0] == 0xd131_0ba6)
        #expect(EksBlowfish.initialS[256] == 0x4b7a_70e9)
        #expect(EksBlowfish.initialS[512] == 0xe93d_5a68)
        #expect(EksBlowfish.initialS[768] == 0x3a39_ce37)
        #expect(EksBlowfish.initialS[1023] == 0x3ac3_72e6)
    }

    @Test("The key and salt streams cycle through their bytes, big-endian")
    func streamWords() {
        #expect(EksBlowfish.streamWords([1, 2, 3], count: 3) == [0x0102_0301, 0x0203_0102, 0x0301_0203])
        #expect(EksBlowfish.streamWords([0xab], count: 2) == [0xabab_abab, 0xabab_abab])
    }
}
