import NIOCore

/// Appends values to `COPY … FROM STDIN` text: tab-separated columns, one row per line, `\N` for
/// NULL, and backslash, tab, newline and carriage return escaped.
struct CopyTextWriter {
    var buffer: ByteBuffer

    /// Why a value cannot be written.
    struct Failure: Error {
        let reason: String
    }

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func tab() { buffer.writeInteger(UInt8(ascii: "\t")) }
    mutating func endRow() { buffer.writeInteger(UInt8(ascii: "\n")) }
    mutating func null() { buffer.writeStaticString("\\N") }
    mutating func integer(_ value: Int64) { buffer.writeString(String(value)) }

    /// Text that holds no byte `COPY` treats specially (a stream name, a category).
    mutating func plain(_ text: String) {
        for byte in text.utf8 { escaped(byte) }
    }

    /// Raw bytes (a JSON object's text), escaped for `COPY`.
    mutating func raw(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        for index in range { escaped(line[index]) }
    }

    /// A JSON string's content (between its quotes), unescaped from JSON and escaped for `COPY`.
    mutating func jsonString(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, escapes: Bool) throws(Failure) {
        guard escapes else {
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(line)[range]))
            return
        }
        var i = range.lowerBound
        while i < range.upperBound {
            let byte = line[i]
            guard byte == UInt8(ascii: "\\") else {
                buffer.writeInteger(byte)
                i += 1
                continue
            }
            guard i + 1 < range.upperBound else { throw Failure(reason: "a string ends inside an escape") }
            let next = line[i + 1]
            i += 2
            switch next {
            case UInt8(ascii: "\""): buffer.writeInteger(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "/"): buffer.writeInteger(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): buffer.writeInteger(UInt8(0x08))
            case UInt8(ascii: "f"): buffer.writeInteger(UInt8(0x0C))
            case UInt8(ascii: "n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "r"): buffer.writeStaticString("\\r")
            case UInt8(ascii: "t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "u"):
                var scalar = try Self.hex4(line, i, range.upperBound)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= range.upperBound, line[i] == UInt8(ascii: "\\"), line[i + 1] == UInt8(ascii: "u") else {
                        throw Failure(reason: "a string holds a lone surrogate")
                    }
                    let low = try Self.hex4(line, i + 2, range.upperBound)
                    guard (0xDC00...0xDFFF).contains(low) else { throw Failure(reason: "a string holds a lone surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard scalar != 0, let unicode = Unicode.Scalar(scalar) else {
                    throw Failure(reason: "a string holds U+0000 or an invalid code point")
                }
                for byte in String(Character(unicode)).utf8 { escaped(byte) }
            default:
                throw Failure(reason: "a string holds an unknown escape")
            }
        }
    }

    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
        case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
        case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
        case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
        default: buffer.writeInteger(byte)
        }
    }

    private static func hex4(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws(Failure) -> UInt32 {
        guard start + 4 <= end else { throw Failure(reason: "a string ends inside a \\u escape") }
        var value: UInt32 = 0
        for index in start..<(start + 4) {
            let byte = line[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Failure(reason: "a \\u escape holds a non-hex digit")
            }
            value = value << 4 | digit
        }
        return value
    }
}
