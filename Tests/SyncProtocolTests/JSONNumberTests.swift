import Foundation
import SyncProtocol
import Testing

/// Numbers through the hand-written reader and writer, at the edges of `Int64` and `Double`.
@Suite("JSONValue text: numbers")
struct JSONNumberTests {
    @Test("integers are written without a fraction, up to 9e15; int64Value reads them back")
    func integers() throws {
        // Given integral values on both sides of the 9e15 limit
        for value in [0.0, 1, -1, 42, 8_999_999_999_999_999, -8_999_999_999_999_999] {
            let number = JSONValue.number(value)
            #expect(number.jsonText == String(Int64(value)), "\(value)")
            #expect(number.int64Value == Int64(value), "\(value)")
            #expect(try JSONValue.parse(number.jsonText) == number)
        }
        // Then from 9e15 on they are written in Double form, read back equal, and are not Int64 values
        for value in [9.0e15, 9_007_199_254_740_991, -9_007_199_254_740_991, 1.0e16, -1.0e16] {
            let number = JSONValue.number(value)
            #expect(number.int64Value == nil, "\(value)")
            #expect(try JSONValue.parse(number.jsonText) == number, "\(number.jsonText)")
        }
        #expect(JSONValue.number(-0.0).jsonText == "0")
    }

    @Test("Int64.max and Int64.min read as the nearest Double and round-trip as that Double")
    func int64Edges() throws {
        // Given the extremes of Int64, which a Double cannot hold exactly
        for text in ["9223372036854775807", "-9223372036854775808", "9007199254740993"] {
            // When read
            let value = try JSONValue.parse(text)

            // Then the value is the nearest Double, as Foundation reads it, and its text reads back equal
            let expected = try #require(Double(text))
            #expect(value == .number(expected), "\(text)")
            #expect(try JSONDecoder().decode(Double.self, from: Data(text.utf8)) == expected)
            #expect(try JSONValue.parse(value.jsonText) == value, "\(value.jsonText)")
        }
        #expect(try JSONValue.parse("9223372036854775807").int64Value == nil)
    }

    @Test("fractions, exponents and the extremes of Double round-trip exactly")
    func doubles() throws {
        // Given decimals, exponents in every spelling and the largest, smallest and subnormal Doubles
        let texts = [
            "0.5", "-12.5e2", "1E3", "1e+3", "2.5e-3", "0.1", "3.141592653589793", "1.7976931348623157e308",
            "-1.7976931348623157e308", "2.2250738585072014e-308", "5e-324", "0.0", "-0",
        ]
        for text in texts {
            // When read and written again
            let value = try JSONValue.parse(text)
            let expected = try #require(Double(text))

            // Then the Double is the one Foundation reads, and the written text reads back to the same bits
            #expect(value == .number(expected), "\(text)")
            #expect(try JSONDecoder().decode(Double.self, from: Data(text.utf8)) == expected, "\(text)")
            let again = try JSONValue.parse(value.jsonText)
            #expect(again.doubleValue?.bitPattern == expected.bitPattern || expected == 0, "\(text) → \(value.jsonText)")
        }
    }

    @Test("a number beyond Double's range is never written as invalid JSON")
    func outOfRange() throws {
        // Given numbers too large for a Double (read as infinity) and too small (read as zero)
        let huge = try JSONValue.parse("1e400")
        let tiny = try JSONValue.parse("-1e-400")

        // Then the writer emits null for the infinity (JSON has no infinity) and 0 for the underflow
        #expect(huge.jsonText == "null")
        #expect(JSONValue.number(-.infinity).jsonText == "null")
        #expect(JSONValue.number(.nan).jsonText == "null")
        #expect(tiny.jsonText == "0")
    }

    @Test(
        "text that is not a number is refused", arguments: ["-", "+", "1.2.3", "--1", "1e", "1e+", ".", "e5", "NaN", "Infinity", "-Infinity", "0x10", "1_000"])
    func notNumbers(text: String) {
        // Given something that only looks numeric, when it is read, then it is refused
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse("[\(text)]") }
    }
}
