/// bcrypt's own base64: the alphabet `./A-Za-z0-9` (in that order), standard big-endian bit
/// packing, no padding.
///
/// 16 salt bytes encode to 22 characters and the 23 hash bytes to 31. As in OpenBSD's
/// `decode_base64`, the unused low bits of a final partial character are ignored when decoding.
enum BcryptBase64 {
    /// The 64 characters, as ASCII bytes, in value order.
    static let alphabet: [UInt8] = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Maps an ASCII byte to its 6-bit value, or 0xff when it is not in the alphabet.
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// The number of characters that encode `byteCount` bytes (no padding).
    static func encodedLength(byteCount: Int) -> Int {
        (byteCount * 8 + 5) / 6
    }

    /// Encodes bytes.
    /// - Parameter bytes: The bytes to encode.
    /// - Returns: The encoded text, `encodedLength(byteCount: bytes.count)` characters long.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(encodedLength(byteCount: bytes.count))
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 0x3f)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(6 - bits)) & 0x3f)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes exactly `byteCount` bytes from `text`.
    /// - Parameters:
    ///   - text: ASCII bytes; must be exactly `encodedLength(byteCount:)` long.
    ///   - byteCount: The number of bytes to produce.
    /// - Returns: The bytes, or `nil` when the length is wrong or a character is not in the alphabet.
    static func decode<Text: Collection<UInt8>>(_ text: Text, byteCount: Int) -> [UInt8]? {
        guard text.count == encodedLength(byteCount: byteCount) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(byteCount)
        var buffer: UInt32 = 0
        var bits = 0
        for character in text {
            let value = values[Int(character)]
            guard value != 0xff else { return nil }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                if output.count < byteCount {
                    output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                }
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        return output
    }
}
