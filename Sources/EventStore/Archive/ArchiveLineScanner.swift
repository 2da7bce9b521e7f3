/// Finds the members of one NDJSON line of an export file without building a JSON tree: the import
/// reads a million of them, so it records where each known member's value lies and copies values
/// straight into `COPY` text (``CopyTextWriter``).
struct ArchiveLineScanner {
    /// Where one value lies in the line.
    struct Value {
        enum Kind { case string, number, literal, composite }
        var kind: Kind
        /// The value's bytes (a string's without its quotes).
        var range: Range<Int>
        /// Whether a string holds escapes.
        var escaped: Bool
    }

    /// The members an event line may hold, in the order of ``ArchiveLineScanner/keys``.
    enum Member: Int, CaseIterable {
        case position, transactionID, eventID, stream, streamVersion, tenantID, type, schemaVersion, recordedAt, data, metadata, trailer
    }

    static let keys: [[UInt8]] = [
        "position", "transaction_id", "event_id", "stream", "stream_version", "tenant_id", "type", "schema_version", "recorded_at", "data",
        "metadata", "trailer",
    ].map { Array($0.utf8) }

    /// Why a line is not acceptable.
    struct Failure: Error {
        let reason: String
    }

    /// The values of the known members of `line`, indexed by ``Member``; unknown members are skipped.
    static func scan(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) -> [Value?] {
        var values = [Value?](repeating: nil, count: Member.allCases.count)
        var i = skipSpace(line, 0)
        guard i < line.count, line[i] == UInt8(ascii: "{") else { throw Failure(reason: "a line is not a JSON object") }
        i = skipSpace(line, i + 1)
        if i < line.count, line[i] == UInt8(ascii: "}") { return values }
        while true {
            guard i < line.count, line[i] == UInt8(ascii: "\"") else { throw Failure(reason: "a member name is not a string") }
            let key = try string(line, i)
            i = skipSpace(line, key.end + 1)
            guard i < line.count, line[i] == UInt8(ascii: ":") else { throw Failure(reason: "a member has no ':'") }
            i = skipSpace(line, i + 1)
            guard i < line.count else { throw Failure(reason: "a member has no value") }
            let value: Value
            switch line[i] {
            case UInt8(ascii: "\""):
                let found = try string(line, i)
                value = Value(kind: .string, range: (i + 1)..<found.end, escaped: found.escaped)
                i = found.end + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let end = try composite(line, i)
                value = Value(kind: .composite, range: i..<end, escaped: false)
                i = end
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var end = i + 1
                while end < line.count, isNumberByte(line[end]) { end += 1 }
                value = Value(kind: .number, range: i..<end, escaped: false)
                i = end
            case UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "f"):
                var end = i
                while end < line.count, line[end] >= UInt8(ascii: "a"), line[end] <= UInt8(ascii: "z") { end += 1 }
                let word = Array(line[i..<end])
                guard word == Array("null".utf8) || word == Array("true".utf8) || word == Array("false".utf8) else {
                    throw Failure(reason: "a value is not JSON")
                }
                value = Value(kind: .literal, range: i..<end, escaped: false)
                i = end
            default:
                throw Failure(reason: "a value is not JSON")
            }
            if !key.escaped, let member = member(line, (key.start + 1)..<key.end) { values[member.rawValue] = value }
            i = skipSpace(line, i)
            guard i < line.count else { throw Failure(reason: "the object is not closed") }
            if line[i] == UInt8(ascii: ",") {
                i = skipSpace(line, i + 1)
                continue
            }
            guard line[i] == UInt8(ascii: "}") else { throw Failure(reason: "members are not separated by ','") }
            guard skipSpace(line, i + 1) == line.count else { throw Failure(reason: "there are bytes after the object") }
            return values
        }
    }

    /// Whether a literal value is `null`.
    static func isNull(_ line: UnsafeBufferPointer<UInt8>, _ value: Value) -> Bool {
        value.kind == .literal && line[value.range.lowerBound] == UInt8(ascii: "n")
    }

    /// A decimal integer value.
    static func integer(_ line: UnsafeBufferPointer<UInt8>, _ value: Value?) -> Int64? {
        guard let value, value.kind == .number, !value.range.isEmpty, value.range.count <= 19 else { return nil }
        var result: Int64 = 0
        var negative = false
        for index in value.range {
            let byte = line[index]
            if index == value.range.lowerBound, byte == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            result = sum
        }
        return negative ? -result : result
    }

    private static func member(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Member? {
        for (index, key) in keys.enumerated() where key.count == range.count {
            if key.elementsEqual(line[range]) { return Member(rawValue: index) }
        }
        return nil
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    private static func skipSpace(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < line.count, line[i] == UInt8(ascii: " ") || line[i] == UInt8(ascii: "\t") || line[i] == UInt8(ascii: "\r") { i += 1 }
        return i
    }

    /// The string starting at `start` (its opening quote): the index of its closing quote and
    /// whether it holds escapes.
    private static func string(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> (start: Int, end: Int, escaped: Bool) {
        var j = start + 1
        var escaped = false
        while j < line.count {
            let byte = line[j]
            if byte == UInt8(ascii: "\"") { return (start, j, escaped) }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                j += 2
                continue
            }
            guard byte >= 0x20 else { throw Failure(reason: "a string holds a raw control character") }
            j += 1
        }
        throw Failure(reason: "a string is not closed")
    }

    /// The end (exclusive) of the object or array starting at `start`.
    private static func composite(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
        var depth = 0
        var j = start
        while j < line.count {
            switch line[j] {
            case UInt8(ascii: "\""):
                j = try string(line, j).end
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= 512 else { throw Failure(reason: "a value nests deeper than 512 levels") }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return j + 1 }
            default:
                break
            }
            j += 1
        }
        throw Failure(reason: "an object or array is not closed")
    }
}
