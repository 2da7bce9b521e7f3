import Foundation
import SyncProtocol
import Testing

/// A pull page read from its JSON text without `Codable`: rows are kept as their raw text.
@Suite("PullResponse from JSON text")
struct PullResponseJSONTests {
    @Test("a pull page reads from its JSON; a page without a cursor is refused")
    func pullPage() throws {
        let text =
            #"{"changes":[{"entity":"todos","key":"k1","op":"upsert","row":{"title":"x"}},{"entity":"todos","key":"k2","op":"delete"}],"cursor":"c","has_more":false,"reset":true,"included_seq":7}"#
        let page = try PullResponse(json: Array(text.utf8))
        #expect(page.changes.map(\.op) == [.upsert, .delete])
        #expect(page.changes[0].row?["title"]?.stringValue == "x")
        #expect(page.reset && !page.hasMore && page.includedSeq == 7 && page.cursor == "c")
        #expect(throws: (any Error).self) { try PullResponse(json: Array(#"{"changes":[]}"#.utf8)) }
        #expect(throws: (any Error).self) {
            try PullResponse(json: Array(#"{"changes":[{"entity":"nope","key":"k","op":"upsert"}],"cursor":"c","has_more":false}"#.utf8))
        }
    }

    @Test("a row is kept as the exact text sent, with braces and quotes inside its strings, and parsed when read")
    func rowText() throws {
        // Given rows whose strings hold braces, brackets, escaped quotes and backslashes, and a null row
        let rows = [
            #"{"title":"}{ ][","n":1}"#, #"{"a":"say \"hi\" \\","b":[{"c":{}}]}"#, #"{"u":"\u007d"}"#, "{}",
        ]
        let changes = rows.enumerated().map { #"{"entity":"todos","key":"k\#($0.offset)","op":"upsert","row":\#($0.element)}"# }
        let text =
            #"{"cursor":"c","changes":["# + changes.joined(separator: ",") + #",{"entity":"todos","key":"gone","op":"delete","row":null}],"has_more":true}"#

        // When the page is read
        let page = try PullResponse(json: Array(text.utf8))

        // Then each row's text is the bytes sent, and reading it gives what Foundation reads
        #expect(page.changes.map(\.rowText) == rows + [nil])
        for (change, row) in zip(page.changes, rows) {
            #expect(change.row == (try JSONDecoder().decode(JSONValue.self, from: Data(row.utf8))))
        }
        // And members left out take their defaults
        #expect(page.hasMore && !page.reset && page.includedSeq == 0)
    }

    @Test(
        "a damaged page is refused, never half read",
        arguments: [
            #"{"cursor":"c","has_more":false,"changes":[{"entity":"todos","key":"k","op":"upsert","row":{"a":[}}]}"#,
            #"{"cursor":"c","has_more":false,"changes":[{"entity":"todos","key":"k","op":"upsert","row":{"a":"}"#,
            #"{"cursor":"c","has_more":false,"changes":[{"entity":"todos","key":"k","op":"upsert","row":[1]}]}"#,
            #"{"cursor":"c","has_more":false,"changes":[{"entity":"todos","key":"k","op":"upsert","row":"x"}]}"#,
            #"{"cursor":"c","has_more":false,"changes":[{"entity":"todos","key":"k","op":"merge"}]}"#,
            #"{"cursor":"c","has_more":false,"changes":[{"entity":"todos","op":"delete"}]}"#,
            #"{"cursor":"c","has_more":"no","changes":[]}"#,
            #"{"cursor":1,"has_more":false,"changes":[]}"#,
            #"{"cursor":"c","has_more":false,"changes":{}}"#,
            #"{"cursor":"c","has_more":false,"changes":[]} trailing"#,
            #"[]"#, "",
        ])
    func damagedPages(text: String) {
        #expect(throws: (any Error).self) { try PullResponse(json: Array(text.utf8)) }
    }

    @Test("a row nested deeper than 512 levels is refused")
    func deepRow() throws {
        // Given rows nested at the limit and one level deeper
        func page(depth: Int) -> [UInt8] {
            let row = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
            return Array((#"{"cursor":"c","has_more":false,"changes":[{"entity":"todos","key":"k","op":"upsert","row":"# + row + "}]}").utf8)
        }

        // Then the first is kept whole and the second refused
        #expect(try PullResponse(json: page(depth: 512)).changes.first?.row != nil)
        #expect(throws: (any Error).self) { try PullResponse(json: page(depth: 513)) }
    }
}
