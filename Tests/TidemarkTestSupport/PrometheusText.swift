/// A page of Prometheus's text exposition format (what `GET /metrics` answers), parsed: the
/// families its `# TYPE` lines declare and every sample.
public struct PrometheusText: Sendable {
    /// One sample: `name{labels} value`.
    public struct Sample: Sendable, Hashable {
        /// The sample's name (a histogram's `_bucket`, `_sum` or `_count` too).
        public var name: String
        /// Its labels.
        public var labels: [String: String]
        /// Its value.
        public var value: Double
    }

    /// The declared families: name → `counter`, `gauge`, `histogram`, …
    public private(set) var families: [String: String] = [:]
    /// Every sample, in page order.
    public private(set) var samples: [Sample] = []

    /// Parses `text`; malformed lines are skipped.
    public init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { families[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            if let sample = Self.sample(Substring(line)) { samples.append(sample) }
        }
    }

    /// The family a sample name belongs to (`x_bucket`, `x_sum` and `x_count` of histogram `x`).
    public func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if families[base] == "histogram" { return base }
        }
        return name
    }

    /// The samples named `name` whose labels include `labels`.
    public func samples(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    /// The sum of the samples named `name` whose labels include `labels` (0 when there are none).
    public func sum(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples(name, labels).reduce(0) { $0 + $1.value }
    }

    /// The value of the one sample named `name` with exactly `labels`, if there is one.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// `name{a="x",b="y"} 1.5` (label values with `\"`, `\\` and `\n` escapes).
    static func sample(_ line: Substring) -> Sample? {
        var rest = line[...]
        let name = rest.prefix { $0 != "{" && $0 != " " }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while let first = rest.first, first != "}" {
                if first == "," || first == " " {
                    rest = rest.dropFirst()
                    continue
                }
                let key = rest.prefix { $0 != "=" }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(2)
                var value = ""
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character == "n" ? "\n" : character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
                labels[String(key)] = value
            }
            guard rest.first == "}" else { return nil }
            rest = rest.dropFirst()
        }
        let number = rest.drop { $0 == " " }.prefix { $0 != " " }
        let value: Double? =
            switch number {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            case "NaN": .nan
            default: Double(number)
            }
        guard let value else { return nil }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
