import Commands
import Testing

/// Known-answer tests: published vectors from OpenWall's crypt_blowfish `wrapper.c` and jBCrypt,
/// plus vectors generated with pyca/bcrypt 5.0.0 (every one was checked against pyca/bcrypt), and
/// hashes made by the hand-written implementation this project used before.
///
/// Passwords are Swift strings, so only UTF-8 passwords can be tested; the 8-bit vectors that are
/// not UTF-8 tested the hand-written Blowfish, which is gone.
@Suite("bcrypt known-answer vectors")
struct BcryptVectorTests {
    /// ASCII and UTF-8 vectors.
    static let asciiVectors: [(password: String, hash: String)] = [
        ("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
        ("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"),
        ("U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"),
        (
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored",
            "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"
        ),
        ("", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"),
        ("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."),
        ("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"),
        ("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"),
        ("abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC"),
        ("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO"),
        // Generated with pyca/bcrypt.
        ("correct horse battery staple", "$2b$04$Cpi9BYYX7PBhFMU6SaRsau0c1RGsauvuQOb3Q//Cuj8ZsFgrcGA/2"),
        ("pässwörd 🔑", "$2b$05$RiFR6eOikUiiNFCsJj4X8eoD5ddHKyMdFyfSFDgGgrENgGELFX2Pm"),
        (String(repeating: "a", count: 71), "$2b$04$lnAlrsd/8Uhm2GqKrvfKBu0y/6j2m53As4N.mpf80cxYKc3CfYD9O"),
        (String(repeating: "a", count: 72), "$2b$04$8rk2Id6BA1h9bJvUFcGCZucYjteM48Fm5f.12vXQp3xwd4PjOwKDu"),
        (String(repeating: "a", count: 70) + "é", "$2b$04$EaskEe8YmHxtK1ILz1zuXedsBLRKd2uU5yLuFM5SG/t3QCMTArCQG"),
        // 71 ASCII bytes then "é" (0xc3 0xa9): the cut at 72 bytes keeps only 0xc3 (pyca/bcrypt).
        (String(repeating: "a", count: 71) + "é", "$2b$04$NhsErcKYvl093f8QsoWlG.2BPu8AVSXjGAELA1MVzVGa8OHhH9EOm"),
        ("abc", "$2b$04$CCCCCCCCCCCCCCCCCCCCC.AKurti2nSiRoaXd0tyyeWA.1jj9Kto2"),
    ]

    /// Hashes the hand-written implementation this project used before `HummingbirdBcrypt`
    /// (`Sources/Bcrypt`, removed in issue 17) produced with random salts: stored hashes of that
    /// time must keep verifying.
    static let legacyHashes: [(password: String, hash: String)] = [
        ("correct horse battery staple", "$2b$10$jPAYFwL/Az6XaxLI7vpqMONxC6uolmJnx6RnXA0kGuKnaWziXpeTK"),
        ("pässwörd 🔑 密码", "$2b$10$tXLr4KkMBV28SkoFhBwMUutJZM8wbqyclPdSNWiDe566YD8Xs7NIO"),
        ("tidemark-dummy-password", "$2b$04$Fs/DnXmBM9CtyC790egvxuqZgw1Kd/Wb7oLpGuvKb4bd7zxV4A9iS"),
        (String(repeating: "x", count: 80), "$2b$04$5wSLLQPD65IX70RXuTYxbO7R2yFkW5RHbb6xzo.x/5ecKXCjGtbDO"),
        ("e\u{301}", "$2b$04$gkAoQVBkB6yL/BXldCJsne1W/J6vTfttHmF5pS5kTlSEYPDMwduWy"),
    ]

    @Test("Every ASCII and UTF-8 vector verifies, and a wrong password does not", arguments: asciiVectors)
    func verifiesStringVectors(password: String, hash: String) throws {
        #expect(try PasswordHashing.verify(password, against: hash))
        #expect(try !PasswordHashing.verify("x" + password, against: hash))
    }

    @Test("Every vector verifies under the $2b$ prefix too: the same computation with its salt and cost", arguments: asciiVectors)
    func reproducesStringVectors(password: String, hash: String) throws {
        // Verifying hashes the password with the stored salt and cost and compares every byte of
        // the result, so this is the known-answer check of hashing itself.
        #expect(try PasswordHashing.verify(password, against: "$2b$" + hash.dropFirst(4)))
    }

    @Test("Hashes the hand-written implementation produced still verify, and wrong passwords do not", arguments: legacyHashes)
    func legacyHashesVerify(password: String, hash: String) throws {
        #expect(try PasswordHashing.verify(password, against: hash))
        #expect(try !PasswordHashing.verify("!" + password, against: hash))
    }
}
