/// Writes JSON string literals (RFC 8259 §7) by hand, for the few places that build JSON text on a
/// hot path, where a general-purpose encoder costs more than the work it serves: event metadata on
/// every append, pull pages of thousands of rows, APNs payloads.
public enum JSONString {
    /// Appends `value` to `output` as a JSON string literal: quoted, with `"` and `\` escaped,
    /// `\n`, `\r` and `\t` as short escapes and every other control character below U+0020 as
    /// `\u00XX`. Every other character is written as it is (UTF-8), so equal strings give equal text.
    @inlinable
    public static func append(_ value: String, to output: inout String) {
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

    /// `value` as a JSON string literal (see ``append(_:to:)``).
    public static func quoted(_ value: String) -> String {
        var output = ""
        append(value, to: &output)
        return output
    }
}
