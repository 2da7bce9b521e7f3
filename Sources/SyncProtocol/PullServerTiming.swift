/// Where the server spent the time of one pull answer, sent in the standard `Server-Timing`
/// response header (W3C Server Timing) as `query;dur=<ms>, encode;dur=<ms>`.
///
/// `query` is the time from reading the request's parameters to having the page's rows (its
/// database transaction, the cursor's checks and any wait for held-back changes); `encode` is the
/// time spent writing the page as JSON. Clients need not look at it; `SyncClient` sums it per
/// sync to tell server time from transfer time (``SyncReport``'s timings).
public struct PullServerTiming: Sendable, Hashable {
    /// Reading the page (database).
    public var query: Duration
    /// Writing the page as JSON.
    public var encode: Duration

    /// Creates a timing.
    public init(query: Duration, encode: Duration) {
        self.query = query
        self.encode = encode
    }

    /// The header's value, durations in milliseconds with three decimals.
    public var headerValue: String {
        "query;dur=\(Self.milliseconds(query)), encode;dur=\(Self.milliseconds(encode))"
    }

    /// Reads a header value; metrics other than `query` and `encode` are ignored, missing ones
    /// count as zero. `nil` when neither is present or a duration is not a non-negative number.
    public init?(headerValue: String) {
        var query: Duration?
        var encode: Duration?
        for metric in headerValue.split(separator: ",") {
            let parts = metric.split(separator: ";").map(Self.trimmed)
            guard let name = parts.first else { continue }
            guard name == "query" || name == "encode" else { continue }
            guard let parameter = parts.dropFirst().first(where: { $0.hasPrefix("dur=") }),
                let value = Double(parameter.dropFirst("dur=".count)), value.isFinite, value >= 0
            else { return nil }
            let duration = Duration.microseconds(Int64((value * 1000).rounded()))
            if name == "query" { query = duration } else { encode = duration }
        }
        guard query != nil || encode != nil else { return nil }
        self.init(query: query ?? .zero, encode: encode ?? .zero)
    }

    /// A duration in milliseconds with three decimals (microsecond resolution).
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// The text without surrounding spaces and tabs.
    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
