@testable import Bcrypt
import Testing

/// Known-answer tests: published vectors from OpenWall's crypt_blowfish `wrapper.c` and jBCrypt,
/// plus vectors generated with pyca/bcrypt 5.0.0 (every one was checked against pyca/bcrypt).
@Suite("bcrypt known-answer vectors")
struct BcryptVectorTests {
    /// A password given as raw bytes (not necessarily UTF-8) and its expected hash string.
    struct Vector: Sendable, CustomTestStringConvertible {
        let password: [UInt8]
        let hash: String
        var testDescription: String { hash }
    }

    /// ASCII vectors, usable through the public `String` API.
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
        ("abc\0def", "$2b$04$CCCCCCCCCCCCCCCCCCCCC.nFHdwSPXFlGb6zPMUb4F2FW6qZdV19y"),
        ("abc", "$2b$04$CCCCCCCCCCCCCCCCCCCCC.AKurti2nSiRoaXd0tyyeWA.1jj9Kto2"),
    ]

    /// Vectors with 8-bit, non-UTF-8 passwords (OpenWall's `$2a$`/`$2b$`/`$2y$` cases; the
    /// bug-compatible `$2x$` ones are left out), checked through the internal byte API.
    static let byteVectors: [Vector] = [
        Vector(password: [0xff, 0xff, 0xa3], hash: "$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"),
        Vector(password: [0xff, 0xff, 0xa3], hash: "$2b$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"),
        Vector(password: [0xa3], hash: "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"),
        Vector(password: [0xa3], hash: "$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"),
        Vector(password: [0xa3], hash: "$2b$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"),
        Vector(
            password: [0xff, 0xa3, 0x33, 0x34, 0xff, 0xff, 0xff, 0xa3, 0x33, 0x34, 0x35],
            hash: "$2y$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi"
        ),
        Vector(password: [0xff, 0xa3, 0x33, 0x34, 0x35], hash: "$2y$05$/OK.fbVrR/bpIqNJ5ianF.nRht2l/HRhr6zmCp9vYUvvsqynflf9e"),
        Vector(password: [0xa3, 0x61, 0x62], hash: "$2a$05$/OK.fbVrR/bpIqNJ5ianF.6IflQkJytoRVc1yuaNtHfiuq.FRlSIS"),
        Vector(
            password: [UInt8](repeating: 0xaa, count: 72) + Array("chars after 72 are ignored as usual".utf8),
            hash: "$2a$05$/OK.fbVrR/bpIqNJ5ianF.swQOIzjOiJ9GHEPuhEkvqrUyvWhEMx6"
        ),
        Vector(
            password: Array([[UInt8]](repeating: [0xaa, 0x55], count: 36).joined()),
            hash: "$2a$05$/OK.fbVrR/bpIqNJ5ianF.R9xrDjiycxMbQE2bp.vgqlYpW5wx2yy"
        ),
        Vector(
            password: Array([[UInt8]](repeating: [0x55, 0xaa, 0xff], count: 24).joined()),
            hash: "$2a$05$/OK.fbVrR/bpIqNJ5ianF.9tQZzcJfm3uj2NvJ/n5xkhpqLrMpWCe"
        ),
        // 71 ASCII bytes then "é" (0xc3 0xa9): the cut at 72 bytes keeps only 0xc3 (pyca/bcrypt).
        Vector(
            password: [UInt8](repeating: 0x61, count: 71) + [0xc3],
            hash: "$2b$04$NhsErcKYvl093f8QsoWlG.2BPu8AVSXjGAELA1MVzVGa8OHhH9EOm"
        ),
    ]

    @Test("Every ASCII and UTF-8 vector verifies, and a wrong password does not", arguments: asciiVectors)
    func verifiesStringVectors(password: String, hash: String) throws {
        #expect(try Bcrypt.verify(password, against: hash))
        #expect(try !Bcrypt.verify("x" + password, against: hash))
    }

    @Test("Hashing with a vector's salt reproduces the vector, under the $2b$ prefix", arguments: asciiVectors)
    func reproducesStringVectors(password: String, hash: String) throws {
        let salt = try #require(BcryptBase64.decode(Array(hash.utf8)[7..<29], byteCount: 16))
        let cost = try #require(Int(hash.dropFirst(4).prefix(2)))
        let produced = try Bcrypt.hash(password, cost: cost, salt: salt)
        #expect(produced == "$2b$" + hash.dropFirst(4))
    }

    @Test("Every 8-bit byte vector verifies and reproduces", arguments: byteVectors)
    func byteVectorsMatch(vector: Vector) throws {
        #expect(try Bcrypt.verify(passwordBytes: vector.password, against: vector.hash))
        var wrong = vector.password
        wrong[0] ^= 0x01
        #expect(try !Bcrypt.verify(passwordBytes: wrong, against: vector.hash))
        let salt = try #require(BcryptBase64.decode(Array(vector.hash.utf8)[7..<29], byteCount: 16))
        let cost = try #require(Int(vector.hash.dropFirst(4).prefix(2)))
        let produced = try Bcrypt.hash(passwordBytes: vector.password, cost: cost, salt: salt)
        #expect(produced.dropFirst(4) == vector.hash.dropFirst(4))
    }
}
