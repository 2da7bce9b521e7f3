import Foundation
import Testing
import TidemarkTestSupport

/// `docs/dashboards/tidemark.json` against docs/operations.md's metric table: a Grafana dashboard
/// over a data-source variable that charts exactly the documented metrics. (That the server
/// exports each of them after traffic is checked against a running server in the SyncTests
/// suite "Metrics, request ids and JSON logs", which has the push providers' stand-ins.)
@Suite("The Grafana dashboard against the documented metrics")
struct DashboardTests {
    /// The metrics of operations.md's "Metrics" table, with their types.
    static func documentedMetrics() throws -> [String: String] {
        let text = try Documents.text("docs/operations.md")
        guard let start = text.range(of: "\n## Metrics\n") else { throw TestFailure("operations.md has no ## Metrics section") }
        let section = text[start.upperBound...]
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        var metrics: [String: String] = [:]
        for line in section[..<end].split(separator: "\n") where line.hasPrefix("| `tidemark_") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            metrics[cells[0].replacingOccurrences(of: "`", with: "")] = cells[1]
        }
        return metrics
    }

    /// The dashboard as JSON.
    static func dashboard() throws -> [String: Any] {
        let data = try Data(contentsOf: Documents.root.appendingPathComponent("docs/dashboards/tidemark.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw TestFailure("not a JSON object") }
        return object
    }

    /// Every `tidemark_…` name in the dashboard's queries, histogram suffixes removed for the
    /// histograms in `documented`.
    static func queriedMetrics(_ dashboard: [String: Any], documented: [String: String]) -> Set<String> {
        var names = Set<String>()
        for panel in dashboard["panels"] as? [[String: Any]] ?? [] {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                let expression = target["expr"] as? String ?? ""
                for match in expression.matches(of: /tidemark_[a-z_]+/) {
                    var name = String(match.output)
                    for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                        let base = String(name.dropLast(suffix.count))
                        if documented[base] == "histogram" { name = base }
                    }
                    names.insert(name)
                }
            }
        }
        return names
    }

    @Test("the dashboard is a Grafana dashboard (schema 39, a Prometheus data-source variable) whose panels chart exactly the metrics operations.md documents")
    func dashboardChartsTheDocumentedMetrics() throws {
        let dashboard = try Self.dashboard()
        #expect(dashboard["schemaVersion"] as? Int == 39)
        #expect(dashboard["title"] as? String == "Tidemark")
        #expect((dashboard["uid"] as? String)?.isEmpty == false)
        // A data-source variable of type prometheus, which every query panel uses
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        let source = try #require(variables.first { $0["type"] as? String == "datasource" })
        #expect(source["query"] as? String == "prometheus")
        let reference = "${\(source["name"] as? String ?? "")}"
        let panels = dashboard["panels"] as? [[String: Any]] ?? []
        let charts = panels.filter { $0["type"] as? String != "row" }
        #expect(charts.count >= 20)
        var ids = Set<Int>()
        for panel in panels {
            let id = try #require(panel["id"] as? Int)
            #expect(ids.insert(id).inserted, "panel id \(id) repeats")
            let grid = try #require(panel["gridPos"] as? [String: Int], "\(panel["title"] ?? "?")")
            #expect(grid["x"].map { (0..<24).contains($0) } == true && grid["w"].map { $0 + grid["x"]! <= 24 } == true)
        }
        for panel in charts {
            let title = panel["title"] as? String ?? "?"
            #expect((panel["datasource"] as? [String: String])?["uid"] == reference, "\(title)")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(title) has no query")
            for target in targets {
                #expect((target["expr"] as? String)?.contains("tidemark_") == true, "\(title)")
                #expect((target["datasource"] as? [String: String])?["uid"] == reference, "\(title)")
            }
        }
        // The documented metrics, each charted, and nothing else
        let documented = try Self.documentedMetrics()
        #expect(documented.count >= 30)
        #expect(Set(documented.values).isSubset(of: ["counter", "gauge", "histogram"]), "\(documented)")
        let queried = Self.queriedMetrics(dashboard, documented: documented)
        #expect(queried.subtracting(documented.keys).isEmpty, "charted but not documented: \(queried.subtracting(documented.keys).sorted())")
        #expect(Set(documented.keys).subtracting(queried).isEmpty, "documented but not charted: \(Set(documented.keys).subtracting(queried).sorted())")
    }
}
