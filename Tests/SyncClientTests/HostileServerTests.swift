import Foundation
import SyncProtocol
import Testing

@testable import SyncClient

/// Answers a buggy or hostile server could send: the client refuses or bounds them, and never traps.
@Suite("Answers of a hostile server")
struct HostileServerTests {
    @Test(
        "a Retry-After too large to sleep for is capped at an hour; a negative one counts as none",
        arguments: [
            ("9223372036854775807", Duration.seconds(3600)), ("86400", .seconds(3600)), ("30", .seconds(30)), ("-5", .zero), ("0", .zero),
        ])
    func retryAfterIsBounded(header: String, expected: Duration) async throws {
        // Given a 429 answer with that header.
        let body = Data(#"{"code":"rate_limited","detail":"wait","status":429,"title":"Too Many Requests"}"#.utf8)
        let response = TransportResponse(status: 429, headers: ["retry-after": header], body: body)

        // When the client turns it into an error.
        let error = APIClient.problem(response, method: .post, path: "/v1/auth/login")

        // Then the wait is bounded, and sleeping for it does not trap.
        #expect(error.retryAfter == expected)
        let sleeper = Task { try await Task.sleep(for: error.retryAfter ?? .zero) }
        try await Task.sleep(for: .milliseconds(50))
        sleeper.cancel()
        _ = await sleeper.result
    }

    @Test(
        "a pull page whose strings hold broken surrogate escapes reads with replacement characters",
        arguments: [
            #"\ud800\u0041"#, #"\ud800\ud800"#, #"\udc00"#, #"\ud800"#, #"\udbff\uffff"#, #"\ud800\"#,
        ])
    func brokenSurrogates(escape: String) throws {
        // Given a page whose key and cursor hold the escape.
        let text = #"{"changes":[{"entity":"todos","key":"k\#(escape)","op":"delete"}],"cursor":"c\#(escape)","has_more":false,"reset":false,"included_seq":1}"#

        // When it is read, it either reads (with U+FFFD for the broken parts) or is refused, never traps.
        if let page = try? PullResponse(json: Array(text.utf8)) {
            #expect(page.changes.first?.key.hasPrefix("k") == true)
            #expect(page.cursor.contains("\u{FFFD}"))
        } else {
            #expect(escape.hasSuffix(#"\"#))
        }
    }

    @Test("a pull page whose numbers are out of range or whose row brackets do not match is read safely or refused")
    func outOfRangeNumbers() throws {
        let huge = #"{"changes":[],"cursor":"c","has_more":false,"reset":false,"included_seq":1e400}"#
        #expect(try PullResponse(json: Array(huge.utf8)).includedSeq == 0)
        let negative = #"{"changes":[],"cursor":"c","has_more":false,"reset":false,"included_seq":-99999999999999999999}"#
        #expect(try PullResponse(json: Array(negative.utf8)).includedSeq == 0)
        let mismatched = #"{"changes":[{"entity":"todos","key":"k","op":"upsert","row":{"a":[}]}],"cursor":"c","has_more":false}"#
        #expect(throws: JSONValue.ParseError.self) { try PullResponse(json: Array(mismatched.utf8)) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(deep) }
    }
}
