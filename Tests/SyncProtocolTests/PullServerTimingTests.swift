import SyncProtocol
import Testing

/// The `Server-Timing` header of a pull answer.
@Suite("Server-Timing of pulls")
struct PullServerTimingTests {
    @Test("the header carries query and encode in milliseconds and reads back")
    func roundTrip() throws {
        let timing = PullServerTiming(query: .microseconds(12_345), encode: .microseconds(7))
        #expect(timing.headerValue == "query;dur=12.345, encode;dur=0.007")
        #expect(PullServerTiming(headerValue: timing.headerValue) == timing)
    }

    @Test("other metrics are ignored, a missing one counts as zero, a bad duration or no known metric reads as nil")
    func lenientReading() {
        #expect(PullServerTiming(headerValue: "cache;desc=hit, query;dur=2") == PullServerTiming(query: .milliseconds(2), encode: .zero))
        #expect(PullServerTiming(headerValue: "encode;desc=\"x\";dur=0.5") == PullServerTiming(query: .zero, encode: .microseconds(500)))
        #expect(PullServerTiming(headerValue: "query;dur=-1") == nil)
        #expect(PullServerTiming(headerValue: "query;dur=abc") == nil)
        #expect(PullServerTiming(headerValue: "query") == nil)
        #expect(PullServerTiming(headerValue: "db;dur=3") == nil)
        #expect(PullServerTiming(headerValue: "") == nil)
    }
}
