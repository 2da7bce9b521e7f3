import Foundation
import SyncProtocol
import Testing

/// Strings through the hand-written reader and writer: every escape, surrogate pairs and lone
/// surrogates, U+0000 and the other control characters.
@Suite("JSONValue text: strings and escapes")
struct JSONEscapeTests {
    @Test(
        "every short escape reads as its character",
        arguments: [
            (#""\"""#, "\""), (#""\\""#, "\\"), (#""\/""#, "/"), (#""\b""#, "\u{08}"), (#""\f""#, "\u{0C}"),
            (#""\n""#, "\n"), (#""\r""#, "\r"), (#""\t""#, "\t"), (#""a\"b\\c""#, "a\"b\\c"),
        ])
    func shortEscapes(text: String, expected: String) throws {
        // Given a string literal with an escape, when it is read, then it is the escaped character
        #expect(try JSONValue.parse(text) == .string(expected))
    }

    @Test("\\u escapes read in either case; a surrogate pair reads as one scalar outside the BMP")
    func unicodeEscapes() throws {
        // Given BMP escapes in both cases and surrogate pairs for U+1F600 and U+10FFFF
        #expect(try JSONValue.parse(#""\u00e9\u00E9""#) == .string("éé"))
        #expect(try JSONValue.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONValue.parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try JSONValue.parse(#""\udbff\udfff""#) == .string("\u{10FFFF}"))
        // And raw UTF-8 beside escapes
        #expect(try JSONValue.parse(#""x😀\u0041y""#) == .string("x😀Ay"))
    }

    @Test("a lone surrogate reads as U+FFFD, and what follows it is kept")
    func loneSurrogates() throws {
        // Given a high surrogate at the end, before a plain character, before another escape, and a lone low surrogate
        #expect(try JSONValue.parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try JSONValue.parse(#""\ud83dx""#) == .string("\u{FFFD}x"))
        #expect(try JSONValue.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONValue.parse(#""\ud83d\ud83d\ude00""#) == .string("\u{FFFD}😀"))
        #expect(try JSONValue.parse(#""\ude00""#) == .string("\u{FFFD}"))
        #expect(try JSONValue.parse(#""\ud83d\n""#) == .string("\u{FFFD}\n"))
    }

    @Test("U+0000 reads from \\u0000 and is written back escaped")
    func nul() throws {
        // Given a string holding U+0000
        let value = try JSONValue.parse(#"{"k":"a\u0000b"}"#)

        // Then the scalar is kept, and the writer escapes it so the text stays one line of JSON
        #expect(value == .object(["k": .string("a\u{0}b")]))
        #expect(value.jsonText == #"{"k":"a\u0000b"}"#)
        #expect(try JSONValue.parse(value.jsonText) == value)
    }

    @Test("the writer escapes quotes, backslashes and every control character, and nothing else")
    func writerEscapes() throws {
        // Given every control character, quotes, a backslash, DEL, U+2028 and an emoji
        var text = ""
        for code in UInt32(0)..<0x20 { text.unicodeScalars.append(Unicode.Scalar(code) ?? " ") }
        text += "\"\\/\u{7F}\u{2028}😀é"
        let written = JSONValue.string(text).jsonText

        // Then control characters are escaped (short forms for \n, \r, \t), the rest is written as is
        #expect(written.hasPrefix(#""\u0000\u0001"#))
        #expect(written.contains(#"\u0008\t\n\u000b\u000c\r"#))
        #expect(written.hasSuffix(#"\u001f\"\\/"# + "\u{7F}\u{2028}😀é\""))
        #expect(!written.unicodeScalars.contains { $0.value < 0x20 })
        // And it reads back as the same string, as Foundation reads it
        #expect(try JSONValue.parse(written) == .string(text))
        #expect(try JSONDecoder().decode(String.self, from: Data(written.utf8)) == text)
    }

    @Test(
        "a bad escape is refused with its offset",
        arguments: [
            #""\q""#, #""\u12G4""#, #""\u+fff""#, #""\u12""#, #""\u""#, #""\"#, #""abc\"#, #""\x41""#, #""\U0041""#,
        ])
    func badEscapes(text: String) {
        // Given a malformed escape, when it is read, then it is refused, not guessed
        let error = #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
        #expect((error?.offset ?? -1) >= 0 && (error?.offset ?? .max) <= text.utf8.count)
    }

    @Test("bytes that are not UTF-8 inside a string are replaced, never a crash")
    func invalidUTF8() throws {
        // Given a string with a stray continuation byte and a truncated sequence
        let bytes: [UInt8] = [0x22, 0x61, 0x80, 0x62, 0xE2, 0x82, 0x22]

        // Then it reads as a string with replacement characters
        let value = try JSONValue.parse(bytes)
        #expect(value.stringValue?.hasPrefix("a\u{FFFD}b") == true)
    }
}
