import Foundation
import SyncProtocol
import Testing

@Suite("JSONValue fast reader and writer")
struct JSONValueTextTests {
    @Test("parses what Foundation parses, and writes text that reads back equal")
    func roundTrip() throws {
        let texts = [
            #"{"a":1,"b":[true,false,null],"c":{"d":"e\"f\\g\/h\n\t\u00e9\ud83d\ude00"},"n":-12.5e2,"z":0}"#,
            #"[]"#, #"{}"#, #""plain""#, #"  [1, 2.25 , "x" ]  "#, #"{"emoji":"😀","zero":0.0,"big":12345678901}"#,
        ]
        for text in texts {
            let fast = try JSONValue.parse(text)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(fast == foundation, "\(text)")
            #expect(try JSONValue.parse(fast.jsonText) == fast, "\(text)")
        }
        #expect(JSONValue.object(["b": .number(1), "a": .string("x\u{01}")]).jsonText == #"{"a":"x\u0001","b":1}"#)
    }

    @Test("malformed text is refused with the offset", arguments: [#"{"a":}"#, #"[1,]"#, #"{"a" 1}"#, #""open"#, #"tru"#, #"{} x"#, #"{"a":"\q"}"#, ""])
    func malformed(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
    }

    @Test("a pull page reads from its JSON; a page without a cursor is refused")
    func pullPage() throws {
        let text = #"{"changes":[{"entity":"todos","key":"k1","op":"upsert","row":{"title":"x"}},{"entity":"todos","key":"k2","op":"delete"}],"cursor":"c","has_more":false,"reset":true,"included_seq":7}"#
        let page = try PullResponse(json: Array(text.utf8))
        #expect(page.changes.map(\.op) == [.upsert, .delete])
        #expect(page.changes[0].row?["title"]?.stringValue == "x")
        #expect(page.reset && !page.hasMore && page.includedSeq == 7 && page.cursor == "c")
        #expect(throws: (any Error).self) { try PullResponse(json: Array(#"{"changes":[]}"#.utf8)) }
        #expect(throws: (any Error).self) { try PullResponse(json: Array(#"{"changes":[{"entity":"nope","key":"k","op":"upsert"}],"cursor":"c","has_more":false}"#.utf8)) }
    }
}
