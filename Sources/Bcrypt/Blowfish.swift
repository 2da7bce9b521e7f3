/// The "expensive key schedule" Blowfish state (EksBlowfish) at the heart of bcrypt,
/// as described by Provos and Mazières and implemented by OpenBSD's `bcrypt.c`.
///
/// The state is the 18-word P-array and the four 256-word S-boxes (stored back to back in one
/// 1024-word array). All the hot work runs inside `withUnsafeMutableBufferPointer` on raw
/// pointers with wrapping arithmetic, so that even a debug build hashes at low costs quickly.
/// Every S-box index is a single byte of a word and every P index is a constant, so no access
/// can leave the buffers.
struct EksBlowfish: Sendable {
    /// The P-array: 18 subkeys.
    private var p: [UInt32]
    /// The S-boxes S0, S1, S2 and S3, 256 words each, back to back.
    private var s: [UInt32]

    /// bcrypt's magic plaintext, "OrpheanBeholderScryDoubt", as six big-endian words.
    static let magic: [UInt32] = [0x4f72_7068, 0x6561_6e42, 0x6568_6f6c, 0x6465_7253, 0x6372_7944, 0x6f75_6274]

    /// Creates the initial state (the digits of pi).
    init() {
        p = Self.initialP
        s = Self.initialS
    }

    /// Computes bcrypt's raw 24-byte output for a key, a salt and a cost.
    ///
    /// - Parameters:
    ///   - key: The key bytes (the password, its terminating NUL included, at most 72 bytes used).
    ///     Must not be empty.
    ///   - salt: The 16 salt bytes.
    ///   - cost: The base-2 logarithm of the number of expensive rounds (4...31).
    /// - Returns: The 24 encrypted bytes of the magic text; the bcrypt hash string encodes the
    ///   first 23 of them.
    static func digest(key: [UInt8], salt: [UInt8], cost: Int) -> [UInt8] {
        var state = EksBlowfish()
        state.expensiveKeySetup(key: key, salt: salt, cost: cost)
        return state.encryptMagic()
    }

    /// Runs EksBlowfishSetup: one salted key expansion, then `2^cost` rounds of alternately
    /// expanding with the key and with the salt.
    mutating func expensiveKeySetup(key: [UInt8], salt: [UInt8], cost: Int) {
        // The key and salt streams restart at their first byte for every P-array XOR, so the 18
        // words each contributes can be computed once.
        let keyWords = Self.streamWords(key, count: 18)
        let saltWords = Self.streamWords(salt, count: 18)
        let rounds: UInt64 = 1 << UInt64(max(0, min(cost, 63)))
        p.withUnsafeMutableBufferPointer { pBuffer in
            s.withUnsafeMutableBufferPointer { sBuffer in
                keyWords.withUnsafeBufferPointer { keyBuffer in
                    saltWords.withUnsafeBufferPointer { saltBuffer in
                        guard let p = pBuffer.baseAddress, let s = sBuffer.baseAddress,
                            let k = keyBuffer.baseAddress, let salt = saltBuffer.baseAddress
                        else { return }
                        Self.xorP(p, with: k)
                        Self.refillSalted(p, s, salt: salt)
                        var remaining = rounds
                        while remaining > 0 {
                            Self.xorP(p, with: k)
                            Self.refill(p, s)
                            Self.xorP(p, with: salt)
                            Self.refill(p, s)
                            remaining &-= 1
                        }
                    }
                }
            }
        }
    }

    /// Encrypts the magic text 64 times in ECB mode and returns its 24 bytes, big-endian.
    mutating func encryptMagic() -> [UInt8] {
        var text = Self.magic
        p.withUnsafeMutableBufferPointer { pBuffer in
            s.withUnsafeMutableBufferPointer { sBuffer in
                text.withUnsafeMutableBufferPointer { textBuffer in
                    guard let p = pBuffer.baseAddress, let s = sBuffer.baseAddress,
                        let t = textBuffer.baseAddress
                    else { return }
                    for _ in 0..<64 {
                        Self.encipher(&t[0], &t[1], p, s)
                        Self.encipher(&t[2], &t[3], p, s)
                        Self.encipher(&t[4], &t[5], p, s)
                    }
                }
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        for word in text {
            bytes.append(UInt8(truncatingIfNeeded: word &>> 24))
            bytes.append(UInt8(truncatingIfNeeded: word &>> 16))
            bytes.append(UInt8(truncatingIfNeeded: word &>> 8))
            bytes.append(UInt8(truncatingIfNeeded: word))
        }
        return bytes
    }

    // MARK: - Internals

    /// Reads `count` big-endian words from `data` taken as an endless cycle, starting at its
    /// first byte (OpenBSD's `Blowfish_stream2word`). An empty `data` yields zero words.
    static func streamWords(_ data: [UInt8], count: Int) -> [UInt32] {
        guard !data.isEmpty else { return Array(repeating: 0, count: count) }
        var words: [UInt32] = []
        words.reserveCapacity(count)
        var index = 0
        for _ in 0..<count {
            var word: UInt32 = 0
            for _ in 0..<4 {
                word = (word &<< 8) | UInt32(data[index])
                index += 1
                if index == data.count { index = 0 }
            }
            words.append(word)
        }
        return words
    }

    /// XORs the 18 words at `words` into the P-array.
    @inline(__always)
    private static func xorP(_ p: UnsafeMutablePointer<UInt32>, with words: UnsafePointer<UInt32>) {
        var i = 0
        while i < 18 {
            p[i] ^= words[i]
            i &+= 1
        }
    }

    /// Replaces the P-array and the S-boxes with the successive encryptions of a zero block
    /// (the second half of OpenBSD's `Blowfish_expand0state`).
    @inline(__always)
    private static func refill(_ p: UnsafeMutablePointer<UInt32>, _ s: UnsafeMutablePointer<UInt32>) {
        var l: UInt32 = 0
        var r: UInt32 = 0
        var i = 0
        while i < 18 {
            encipher(&l, &r, p, s)
            p[i] = l
            p[i &+ 1] = r
            i &+= 2
        }
        i = 0
        while i < 1024 {
            encipher(&l, &r, p, s)
            s[i] = l
            s[i &+ 1] = r
            i &+= 2
        }
    }

    /// Like ``refill(_:_:)``, but XORs each block with the next two salt words before encrypting
    /// it (the second half of OpenBSD's `Blowfish_expandstate`). The 16-byte salt repeats every
    /// four words, so the first four of the 18 precomputed `salt` words are enough.
    @inline(__always)
    private static func refillSalted(
        _ p: UnsafeMutablePointer<UInt32>,
        _ s: UnsafeMutablePointer<UInt32>,
        salt: UnsafePointer<UInt32>
    ) {
        var l: UInt32 = 0
        var r: UInt32 = 0
        var j = 0
        var i = 0
        while i < 18 {
            l ^= salt[j]
            r ^= salt[j &+ 1]
            j = (j &+ 2) & 3
            encipher(&l, &r, p, s)
            p[i] = l
            p[i &+ 1] = r
            i &+= 2
        }
        i = 0
        while i < 1024 {
            l ^= salt[j]
            r ^= salt[j &+ 1]
            j = (j &+ 2) & 3
            encipher(&l, &r, p, s)
            s[i] = l
            s[i &+ 1] = r
            i &+= 2
        }
    }

    /// The Blowfish round function F.
    @inline(__always)
    private static func f(_ x: UInt32, _ s: UnsafeMutablePointer<UInt32>) -> UInt32 {
        let a = s[Int(truncatingIfNeeded: x &>> 24)]
        let b = s[256 | Int(truncatingIfNeeded: (x &>> 16) & 0xff)]
        let c = s[512 | Int(truncatingIfNeeded: (x &>> 8) & 0xff)]
        let d = s[768 | Int(truncatingIfNeeded: x & 0xff)]
        return ((a &+ b) ^ c) &+ d
    }

    /// Encrypts one 64-bit block (16 Feistel rounds, unrolled).
    @inline(__always)
    private static func encipher(
        _ left: inout UInt32,
        _ right: inout UInt32,
        _ p: UnsafeMutablePointer<UInt32>,
        _ s: UnsafeMutablePointer<UInt32>
    ) {
        var l = left ^ p[0]
        var r = right
        r ^= f(l, s) ^ p[1]
        l ^= f(r, s) ^ p[2]
        r ^= f(l, s) ^ p[3]
        l ^= f(r, s) ^ p[4]
        r ^= f(l, s) ^ p[5]
        l ^= f(r, s) ^ p[6]
        r ^= f(l, s) ^ p[7]
        l ^= f(r, s) ^ p[8]
        r ^= f(l, s) ^ p[9]
        l ^= f(r, s) ^ p[10]
        r ^= f(l, s) ^ p[11]
        l ^= f(r, s) ^ p[12]
        r ^= f(l, s) ^ p[13]
        l ^= f(r, s) ^ p[14]
        r ^= f(l, s) ^ p[15]
        l ^= f(r, s) ^ p[16]
        left = r ^ p[17]
        right = l
    }
}
