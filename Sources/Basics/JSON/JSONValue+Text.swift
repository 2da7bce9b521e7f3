/// A fast JSON reader and writer for ``JSONValue``, used on the hot paths of sync (pull pages of
/// thousands of rows), where `Codable`'s type probing costs more than the data. The reading is
/// ``JSONReader``'s; strings are written by ``JSONString``.
extension JSONValue {
    /// A JSON text that could not be parsed.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// Where, in bytes from the start.
        public var offset: Int
        /// What was wrong.
        public var reason: String
        /// `reason at byte offset`.
        public var description: String { "\(reason) at byte \(offset)" }

        /// Creates an error at `offset`.
        package init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }
    }

    /// Parses one JSON text (RFC 8259).
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
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
        case .string(let value): JSONString.append(value, to: &output)
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
                JSONString.append(key, to: &output)
                output += ":"
                members[key]?.write(to: &output)
            }
            output += "}"
        }
    }

    /// Reads a pull page: its top-level members except `changes` as values, and each change's
    /// members with the `row` kept as its raw text (validated as one JSON object, not parsed).
    package static func readPage(_ bytes: [UInt8]) throws(ParseError) -> (members: [String: JSONValue], changes: [(members: [String: JSONValue], row: String?)])
    {
        var reader = JSONReader(bytes: bytes)
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
}
