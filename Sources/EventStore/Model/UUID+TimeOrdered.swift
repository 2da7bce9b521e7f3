import Foundation

extension UUID {
    /// A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, 12 bits of the millisecond's
    /// fraction (RFC 9562 §6.2, method 3: ids made one after another keep their order), then 62
    /// random bits.
    ///
    /// Event ids default to these: the unique index on `event_id` then grows at its right edge
    /// instead of at random pages, which keeps appends of large batches cheap. A batch of 100
    /// events makes 100 of these, so nothing is allocated and the system's random source is asked
    /// once per id.
    public static func timeOrdered(now: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let random: UInt64 = generator.next()
        let exact = max(0, now.timeIntervalSince1970 * 1000)
        let milliseconds = UInt64(exact)
        let fraction = UInt64((exact - Double(milliseconds)) * 4096) & 0xFFF
        var value: (UInt64, UInt64) = (0, random)
        withUnsafeMutableBytes(of: &value) { bytes in
            for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
            bytes[6] = 0x70 | UInt8(truncatingIfNeeded: fraction >> 8)
            bytes[7] = UInt8(truncatingIfNeeded: fraction)
            bytes[8] = (bytes[8] & 0x3F) | 0x80
        }
        return withUnsafeBytes(of: &value) { bytes in
            UUID(
                uuid: (
                    bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                    bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
                ))
        }
    }

    /// The id's 16 bytes as two big-endian integers: comparing them compares the ids as PostgreSQL
    /// orders `uuid` values.
    var orderKey: (UInt64, UInt64) {
        withUnsafeBytes(of: uuid) { bytes in
            (
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            )
        }
    }
}
