import Foundation

/// Prints a drill's results as a Markdown table on standard output, one row per failure.
struct DrillTable {
    /// One failure and what it cost.
    struct Row {
        var failure: String
        var projectionsResumed: Duration?
        var liveRecovered: Duration?
    }

    let title: String
    var rows: [Row] = []

    /// `12.3 s`, or `not within 60 s` for `nil`.
    static func seconds(_ duration: Duration?) -> String {
        guard let duration else { return "not within 60 s" }
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1f s", value)
    }

    /// The table with the outcome's counts in each row's trailing columns.
    func render(_ outcome: DrillOutcome) -> String {
        let seconds = Self.seconds
        var lines = [
            "### \(title)", "",
            "| failure | projections resumed | live replicas caught up |",
            "|---|---|---|",
        ]
        for row in rows { lines.append("| \(row.failure) | \(seconds(row.projectionsResumed)) | \(seconds(row.liveRecovered)) |") }
        lines += [
            "",
            "| mutations | lost | applied twice | rejected | replicas diverging | deliveries sent | sent twice | sent 3+ times | missing at the webhook | not sent |",
            "|---|---|---|---|---|---|---|---|---|---|",
            "| \(outcome.mutations) | \(outcome.lost) | \(outcome.duplicated) | \(outcome.rejections.count) | \(outcome.divergentReplicas) | \(outcome.deliveries) | \(outcome.deliveriesTwice) | \(outcome.deliveriesMoreThanTwice) | \(outcome.deliveriesMissing) | \(outcome.deliveriesNotSent) |",
        ]
        return lines.joined(separator: "\n")
    }
}
