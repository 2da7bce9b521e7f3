import Foundation
import Projections
import Testing

@Suite("Read-row timestamps")
struct ReadDateTests {
    @Test("the hand-written formatter round-trips through Foundation's ISO-8601 parser to the millisecond, over many dates")
    func agreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.5), Date(timeIntervalSince1970: -1.25)]
        for _ in 0..<2_000 {
            // 1900 … 2200, at millisecond precision.
            let millis = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            dates.append(Date(timeIntervalSince1970: Double(millis) / 1000))
        }
        for date in dates {
            let text = ReadDate.text(date)
            let parsed = try? style.parse(text)
            // Foundation's own formatter truncates some exact milliseconds one too low (binary
            // floating point), so compare by parsing back, not by text.
            #expect(parsed.map { abs($0.timeIntervalSince(date)) < 0.001 } == true, "\(date.timeIntervalSince1970) → \(text)")
            #expect(text.count == 24 && text.hasSuffix("Z"))
        }
        #expect(ReadDate.text(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        #expect(ReadDate.text(Date(timeIntervalSince1970: -1.25)) == "1969-12-31T23:59:58.750Z")
    }
}
