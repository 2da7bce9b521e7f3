import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

/// Documents through the hand-written reader and writer: round trips against Foundation, nesting
/// limits and malformed input.
@Suite("JSONValue text: documents")
struct JSONStructureTests {
    /// A random JSON value of at most `depth` levels, with the numbers and strings the protocol carries.
    static func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        let kind = depth == 0 ? random.next(in: 0...3) : random.next(in: 0...5)
        switch kind {
        case 0: return random.chance(0.5) ? .null : .bool(random.chance(0.5))
        case 1:
            switch random.next(in: 0...3) {
            case 0: return .number(Double(random.next(in: -1_000_000...1_000_000)))
            case 1: return .number(Double(random.next(in: -1_000_000...1_000_000)) / 64)
            case 2: return .number(random.pick([0, -0.0, 9_007_199_254_740_991, 1e300, -2.5e-300, 0.1, 123_456.789]))
            default: return .number(Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF))
            }
        case 2, 3:
            let alphabet: [Unicode.Scalar] = [
                "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "\u{2028}", "😀", "\u{10FFFF}",
            ]
            var text = ""
            for _ in 0..<random.next(in: 0...12) { text.unicodeScalars.append(random.pick(alphabet)) }
            return .string(text)
        case 4:
            return .array((0..<random.next(in: 0...4)).map { _ in randomValue(&random, depth: depth - 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<random.next(in: 0...4) {
                members[random.pick(["a", "b", "key", "é", "with space", "\"q\"", ""])] = randomValue(&random, depth: depth - 1)
            }
            return .object(members)
        }
    }

    /// Whether every number in `value` is finite.
    static func isFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): number.isFinite
        case .array(let elements): elements.allSatisfy(isFinite)
        case .object(let members): members.values.allSatisfy(isFinite)
        default: true
        }
    }

    @Test("parses what Foundation parses, and writes text that reads back equal")
    func roundTrip() throws {
        // Given hand-picked documents
        let texts = [
            #"{"a":1,"b":[true,false,null],"c":{"d":"e\"f\\g\/h\n\t\u00e9\ud83d\ude00"},"n":-12.5e2,"z":0}"#,
            #"[]"#, #"{}"#, #""plain""#, #"  [1, 2.25 , "x" ]  "#, #"{"emoji":"😀","zero":0.0,"big":12345678901}"#,
            "\t\r\n [ {} , [ ] , \"\" ] \n", #"{"":""}"#, #"[[[]],[{}],{"a":[{"b":null}]}]"#,
        ]
        for text in texts {
            // Then the fast reader agrees with Foundation, and the writer's text reads back equal
            let fast = try JSONValue.parse(text)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(fast == foundation, "\(text)")
            #expect(try JSONValue.parse(fast.jsonText) == fast, "\(text)")
        }
        #expect(JSONValue.object(["b": .number(1), "a": .string("x\u{01}")]).jsonText == #"{"a":"x\u0001","b":1}"#)
    }

    @Test("random documents: the writer's text reads back equal, with Foundation too, and equal values give equal text")
    func randomRoundTrips() throws {
        var random = SplitMix64(seed: 17)
        for round in 0..<2000 {
            // Given a random value
            let value = Self.randomValue(&random, depth: 4)

            // When written and read again by both readers
            let text = value.jsonText
            let fast = try JSONValue.parse(text)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))

            // Then all three agree, and writing again gives the same text
            #expect(fast == value, "round \(round): \(text)")
            #expect(foundation == value, "round \(round): \(text)")
            #expect(fast.jsonText == text, "round \(round)")
            // And the Codable encoding reads back equal through the fast reader
            let encoded = try JSONEncoder().encode(value)
            #expect(try JSONValue.parse(Array(encoded)) == value, "round \(round): \(String(decoding: encoded, as: UTF8.self))")
        }
    }

    @Test("nesting up to 512 levels is read; deeper is refused without exhausting the stack")
    func nesting() throws {
        // Given arrays and objects nested exactly at the limit
        let arrays = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let objects = String(repeating: #"{"a":"#, count: 511) + "{}" + String(repeating: "}", count: 511)
        #expect(try JSONValue.parse(arrays).jsonText == arrays)
        #expect(try JSONValue.parse(objects).jsonText == objects)

        // Then one more level is refused, and so is a hostile depth
        for text in ["[" + arrays + "]", #"{"a":"# + objects + "}", String(repeating: "[", count: 100_000), String(repeating: #"{"a":"#, count: 100_000)] {
            let error = #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
            #expect(error?.reason == "nesting too deep", "\(text.prefix(20))…")
        }
    }

    @Test(
        "malformed text is refused with the offset",
        arguments: [
            #"{"a":}"#, #"[1,]"#, #"{"a" 1}"#, #""open"#, #"tru"#, #"{} x"#, #"{"a":"\q"}"#, "", " ", "nul", "falsey", "[1 2]", #"{"a":1,}"#,
            "{,}", "[,1]", "[1", #"{"a":1"#, "{1:2}", "{'a':1}", "]", "}", ":", ",", #"{"a"}"#, #"["a":1]"#, "[\"a\"]]", "//", "/* */ 1",
        ])
    func malformed(text: String) {
        let error = #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
        #expect((error?.offset ?? -1) >= 0 && (error?.offset ?? .max) <= text.utf8.count, "\(text)")
        #expect(error?.description.contains("at byte") == true)
    }

    @Test("damaged documents never crash the reader; what it accepts reads back equal")
    func damaged() throws {
        var random = SplitMix64(seed: 2017)
        let noise: [UInt8] = Array(#"{}[]",:\u0"0123456789-+.eEtrufalsn "#.utf8) + [0x00, 0x80, 0xFF]
        for round in 0..<3000 {
            // Given a valid document with a few bytes replaced, inserted or removed
            var bytes = Array(Self.randomValue(&random, depth: 3).jsonText.utf8)
            for _ in 0..<random.next(in: 1...3) {
                let index = bytes.isEmpty ? 0 : random.next(in: 0...(bytes.count - 1))
                switch random.next(in: 0...2) {
                case 0 where !bytes.isEmpty: bytes[index] = random.pick(noise)
                case 1: bytes.insert(random.pick(noise), at: min(index, bytes.count))
                default: if !bytes.isEmpty { bytes.remove(at: index) }
                }
            }

            // When read, then it is either refused with an offset inside the text, or accepted and stable
            do {
                let value = try JSONValue.parse(bytes)
                // (An exponent past Double's range reads as infinity, which is written as null.)
                if Self.isFinite(value) {
                    #expect(try JSONValue.parse(value.jsonText) == value, "round \(round)")
                }
            } catch let error as JSONValue.ParseError {
                #expect(error.offset >= 0 && error.offset <= bytes.count, "round \(round)")
            } catch {
                Issue.record("round \(round): not a ParseError: \(error)")
            }
        }
    }
}
