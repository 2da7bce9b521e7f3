/// Percentiles of measured latencies, for the benchmarks.
enum Percentile {
    /// The `p` quantile (0-1) of ascending `sorted` values, nearest rank; 0 when there are none.
    static func of(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return sorted[max(0, index)]
    }

    /// `value` rounded to 3 decimals, as the benchmarks' JSON lines print figures.
    static func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
