/// A fast JSON reader and writer for ``JSONValue``, used on the hot paths of sync (pull pages of
/// thousands of rows), where `Codable`'s type probing costs more than the data.
extension JSONValue {
    /// A JSON text that could not be parsed.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// Where, in bytes from the start.
        public var offset: Int
        /// What was wrong.
        public var reason: String
        /// `reason at byte offset`.
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses one JSON text (RFC 8259).
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw ParseError(offset: reader.index, reason: "trailing characters") }
        return value
    }

    /// Parses one JSON text given as a string.
    public static func parse(_ text: String) throws(ParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Compact JSON text with object members sorted by key (equal values give equal text).
    public var jsonText: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// Appends the compact text of this value to `output`.
    public func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 {
                output += String(Int64(value))
            } else if value.isFinite {
                output += "\(value)"
            } else {
                output += "null"
            }
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, element) in values.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                Self.writeString(key, to: &output)
                output += ":"
                members[key]?.write(to: &output)
            }
            output += "}"
        }
    }

    /// Appends `value` as a JSON string literal.
    public static func writeString(_ value: String, to output: inout String) {
        output += "\""
        // Most strings need no escaping: append them whole.
        if !value.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            output += value
            output += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// Reads a pull page: its top-level members except `changes` as values, and each change's
    /// members with the `row` kept as its raw text (validated as one JSON object, not parsed).
    static func readPage(_ bytes: [UInt8]) throws(ParseError) -> (members: [String: JSONValue], changes: [(members: [String: JSONValue], row: String?)]) {
        var reader = Reader(bytes: bytes)
        var members: [String: JSONValue] = [:]
        var changes: [(members: [String: JSONValue], row: String?)] = []
        try reader.object { reader, key throws(ParseError) in
            guard key == "changes" else {
                members[key] = try reader.value(depth: 1)
                return
            }
            try reader.array { reader throws(ParseError) in
                var change: [String: JSONValue] = [:]
                var row: String?
                try reader.object { reader, key throws(ParseError) in
                    if key == "row" {
                        row = try reader.rawObject()
                    } else {
                        change[key] = try reader.value(depth: 3)
                    }
                }
                changes.append((change, row))
            }
        }
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw ParseError(offset: reader.index, reason: "trailing characters") }
        return (members, changes)
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        func fail(_ reason: String) -> ParseError { ParseError(offset: index, reason: reason) }

        mutating func value(depth: Int) throws(ParseError) -> JSONValue {
            guard depth < 512 else { throw fail("nesting too deep") }
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                var members: [String: JSONValue] = [:]
                try object { reader, key throws(ParseError) in members[key] = try reader.value(depth: depth + 1) }
                return .object(members)
            case UInt8(ascii: "["):
                var elements: [JSONValue] = []
                try array { reader throws(ParseError) in elements.append(try reader.value(depth: depth + 1)) }
                return .array(elements)
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default:
                return .number(try number())
            }
        }

        /// Reads an object, calling `member` with the reader positioned at each member's value.
        mutating func object(_ member: (inout Reader, String) throws(ParseError) -> Void) throws(ParseError) {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw fail("expected an object") }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                skipWhitespace()
                try member(&self, key)
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return }
                throw fail("expected ',' or '}'")
            }
        }

        /// Reads an array, calling `element` with the reader positioned at each element.
        mutating func array(_ element: (inout Reader) throws(ParseError) -> Void) throws(ParseError) {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw fail("expected an array") }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipWhitespace()
                try element(&self)
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return }
                throw fail("expected ',' or ']'")
            }
        }

        /// Skips one JSON object and returns its text; braces, brackets and strings are matched
        /// (each closer must match the latest opener, at most 512 deep), `null` returns `nil`.
        mutating func rawObject() throws(ParseError) -> String? {
            guard index < bytes.count else { throw fail("unexpected end") }
            if bytes[index] == UInt8(ascii: "n") {
                _ = try literal("null", .null)
                return nil
            }
            guard bytes[index] == UInt8(ascii: "{") else { throw fail("expected a row object") }
            let start = index
            var closers: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                        index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    guard index < bytes.count else { break }
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    guard closers.count < 512 else { throw fail("nesting too deep") }
                    closers.append(byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    guard closers.popLast() == byte else { throw fail("mismatched bracket in a row object") }
                    if closers.isEmpty {
                        index += 1
                        return String(decoding: bytes[start..<index], as: UTF8.self)
                    }
                }
                index += 1
            }
            throw fail("unterminated row object")
        }

        mutating func literal(_ word: String, _ value: JSONValue) throws(ParseError) -> JSONValue {
            let utf8 = Array(word.utf8)
            guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else { throw fail("unexpected characters") }
            index += utf8.count
            return value
        }

        mutating func number() throws(ParseError) -> Double {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                        || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") else { break }
                index += 1
            }
            guard index > start, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
                index = start
                throw fail("expected a value")
            }
            return value
        }

        mutating func string() throws(ParseError) -> String {
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
            guard index < bytes.count else { throw fail("unterminated string") }
            if bytes[index] == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
            var pending: [UInt8] = []
            func flush() {
                if !pending.isEmpty {
                    scalars.append(contentsOf: String(decoding: pending, as: UTF8.self).unicodeScalars)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush()
                    index += 1
                    return String(scalars)
                }
                if byte == UInt8(ascii: "\\") {
                    flush()
                    index += 1
                    guard index < bytes.count else { throw fail("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        // A high surrogate combines with a low one that follows; any other escape
                        // after it is read on its own, and a lone surrogate becomes U+FFFD.
                        if (0xD800...0xDBFF).contains(code), index + 5 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                           bytes[index + 1] == UInt8(ascii: "u") {
                            let resume = index
                            index += 2
                            let low = try hex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = resume
                            }
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: throw fail("bad escape")
                    }
                    continue
                }
                pending.append(byte)
                index += 1
            }
            throw fail("unterminated string")
        }

        /// Four hexadecimal digits (no sign, no other character: `UInt32(_:radix:)` alone would take `+fff`).
        mutating func hex4() throws(ParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("bad \\u escape") }
            var code: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("bad \\u escape")
                }
                code = code << 4 | UInt32(digit)
            }
            index += 4
            return code
        }
    }
}
