import Commands
import EventStore
import Foundation
import Projections
import SyncServer
import Testing
import TidemarkTestSupport

/// The defaults the documents state against the defaults in the code: every settings table (a
/// table whose header names the type, one row per member), the flag defaults of `synccli` in
/// operations.md, and the migration versions quoted from `synccli migrate`.
@Suite("Documented defaults against the code")
struct DocumentedDefaultsTests {
    /// A default as a document writes it.
    enum Documented: Equatable, CustomStringConvertible {
        case number(Double)
        case seconds(Double)
        case bytes(Double)
        case flag(Bool)
        case none
        case text(String)

        /// Reads `10,000`, `1 MiB`, `250 ms`, `15 minutes`, `30 days`, `on`, `none`, `` `tidemark_events` ``.
        init(_ cell: String) {
            let text = cell.replacingOccurrences(of: "`", with: "").trimmingCharacters(in: .whitespaces)
            let parts = text.split(separator: " ")
            let amount = parts.first.flatMap { Double($0.replacingOccurrences(of: ",", with: "")) }
            switch (amount, parts.count > 1 ? String(parts[1]) : nil) {
            case (let value?, nil): self = .number(value)
            case (let value?, "ms"?): self = .seconds(value / 1000)
            case (let value?, "s"?), (let value?, "second"?), (let value?, "seconds"?): self = .seconds(value)
            case (let value?, "minute"?), (let value?, "minutes"?): self = .seconds(value * 60)
            case (let value?, "h"?), (let value?, "hour"?), (let value?, "hours"?): self = .seconds(value * 3600)
            case (let value?, "day"?), (let value?, "days"?): self = .seconds(value * 86_400)
            case (let value?, "B"?): self = .bytes(value)
            case (let value?, "KiB"?): self = .bytes(value * 1024)
            case (let value?, "MiB"?): self = .bytes(value * 1024 * 1024)
            default:
                switch text {
                case "on": self = .flag(true)
                case "off": self = .flag(false)
                case "none": self = .none
                default: self = .text(text)
                }
            }
        }

        var description: String {
            switch self {
            case .number(let value): "\(value)"
            case .seconds(let value): "\(value) s"
            case .bytes(let value): "\(value) bytes"
            case .flag(let value): value ? "on" : "off"
            case .none: "none"
            case .text(let value): value
            }
        }
    }

    /// Whether the code's default `value` of member `label` is what the document wrote.
    static func matches(_ value: Any, label: String, _ documented: Documented) -> Bool {
        switch (value, documented) {
        case (let value as Int, .number(let number)): return Double(value) == number
        case (let value as Int, .bytes(let bytes)): return Double(value) == bytes
        case (let value as Int, .seconds(let seconds)) where label.hasSuffix("Milliseconds"): return Double(value) == seconds * 1000
        case (let value as Int, .seconds(let seconds)) where label.hasSuffix("Seconds"): return Double(value) == seconds
        case (let value as Double, .number(let number)): return value == number
        case (let value as Duration, .seconds(let seconds)):
            let (whole, fraction) = value.components
            return Double(whole) + Double(fraction) / 1e18 == seconds
        case (let value as Bool, .flag(let flag)): return value == flag
        case (let value as String, .text(let text)): return value == text
        case (let value as any Collection, .none): return value.isEmpty
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional { return mirror.children.isEmpty && documented == .none }
            // A wrapper of one value (ProtocolVersion) compares as that value.
            if mirror.children.count == 1, let only = mirror.children.first { return matches(only.value, label: label, documented) }
            return false
        }
    }

    /// Compares the settings table headed `` `type` `` in `path` with the stored properties of
    /// `value` (a default-constructed configuration); `exempt` members are documented elsewhere.
    static func compare(_ type: String, _ value: Any, in path: String, exempt: Set<String> = []) throws {
        let rows = Documents.tableRows(headed: "`\(type)`", in: try Documents.text(path))
        #expect(!rows.isEmpty, "\(path) has no table headed `\(type)`")
        var documented: [String: String] = [:]
        for row in rows where row.count >= 2 {
            documented[row[0].replacingOccurrences(of: "`", with: "")] = row[1]
        }
        var seen: Set<String> = []
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, !exempt.contains(label) else { continue }
            seen.insert(label)
            guard let cell = documented[label] else {
                Issue.record("\(type).\(label) (default \(child.value)) is missing from the `\(type)` table of \(path)")
                continue
            }
            let wanted = Documented(cell)
            #expect(
                matches(child.value, label: label, wanted),
                "\(path) says \(type).\(label) defaults to \(cell) (\(wanted)); the code's default is \(child.value)"
            )
        }
        for name in documented.keys where !seen.contains(name) {
            Issue.record("\(path) documents \(type).\(name), which the code does not have (or the test exempts)")
        }
    }

    @Test("the documented defaults of every configuration type are the code's")
    func configurationDefaults() throws {
        let url = try DatabaseURL("postgres://tidemark@127.0.0.1:54329/tidemark")
        try Self.compare("EventStoreConfiguration", EventStoreConfiguration(), in: "docs/architecture/event-store.md")
        try Self.compare("ProjectionRunnerOptions", ProjectionRunnerOptions(), in: "docs/architecture/projections.md")
        try Self.compare(
            "ServerConfiguration", ServerConfiguration(databaseURL: url), in: "docs/architecture/sync.md",
            // The URL has no default; the projections are listed in projections.md; the nested
            // settings have tables of their own.
            exempt: ["databaseURL", "projections", "auth", "syncRateLimits", "connectionLimits", "pushOptions"]
        )
        try Self.compare("AuthOptions", AuthOptions(), in: "docs/operations.md")
        try Self.compare("SyncRateLimits", SyncRateLimits(), in: "docs/operations.md")
        try Self.compare("ConnectionLimits", ConnectionLimits(), in: "docs/operations.md")
        try Self.compare("PushDispatcherOptions", PushDispatcherOptions(), in: "docs/push.md")
    }

    @Test("the reader of documented defaults reads every unit the documents use")
    func documentedReader() {
        #expect(Documented("10,000") == .number(10_000))
        #expect(Documented("1 MiB") == .bytes(1_048_576))
        #expect(Documented("32 KiB") == .bytes(32 * 1024))
        #expect(Documented("250 ms") == .seconds(0.25))
        #expect(Documented("15 minutes") == .seconds(900))
        #expect(Documented("30 days") == .seconds(2_592_000))
        #expect(Documented("1 h") == .seconds(3600))
        #expect(Documented("`tidemark_events`") == .text("tidemark_events"))
        #expect(Documented("on") == .flag(true))
        #expect(Documented("none") == .none)
        #expect(Self.matches(Duration.milliseconds(250), label: "idlePoll", .seconds(0.25)))
        #expect(Self.matches(900, label: "accessTokenSeconds", .seconds(900)))
        #expect(Self.matches(1000, label: "sessionCheckCacheMilliseconds", .seconds(1)))
        #expect(!Self.matches(10_000, label: "maxPageSize", .number(50_000)))
    }

    /// The flags with a documented default in a row of the `synccli` tables of operations.md:
    /// `` `--limit` (1-10000, default 50) `` gives `--limit` → `50`.
    static func documentedFlagDefaults(_ cell: String) -> [(flag: String, value: String)] {
        cell.matches(of: #/`(?<flag>--[a-z0-9-]+)[^`]*`\s*\((?<detail>[^()]*)\)/#).compactMap { match in
            guard let range = match.output.detail.range(of: "default ") else { return nil }
            // Up to ", " or ";": `1,000,000` keeps its separators.
            var value = String(match.output.detail[range.upperBound...])
            for end in [", ", ";"] { if let cut = value.range(of: end) { value = String(value[..<cut.lowerBound]) } }
            return (String(match.output.flag), value.replacingOccurrences(of: "`", with: "").trimmingCharacters(in: .whitespaces))
        }
    }

    /// The defaults `synccli … --help` shows: flag → value of the last `(default: …)` of its
    /// description (ArgumentParser adds it at the end, and wraps it across lines as it likes).
    static func helpDefaults(_ help: String) -> [String: String] {
        var blocks: [String: String] = [:]
        var current: String?
        for line in help.split(separator: "\n").map(String.init) {
            if let match = line.firstMatch(of: #/^\s{2}(?:-[a-z], )?(?<flag>--[a-z0-9-]+)/#) {
                current = String(match.output.flag)
                blocks[String(match.output.flag)] = line
            } else if !line.hasPrefix(" ") {
                current = nil
            } else if let flag = current {
                blocks[flag, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        var defaults: [String: String] = [:]
        for (flag, block) in blocks {
            let text = block.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if let last = text.matches(of: #/\(default: (?<value>[^)]*)\)/#).last { defaults[flag] = String(last.output.value) }
        }
        return defaults
    }

    /// A number with its separators and unit dropped, so `1,000,000` equals `1000000`, `10` equals
    /// `10.0` and `20 s` equals `20`.
    static func normalized(_ value: String) -> String {
        let plain = value.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
        if let first = plain.split(separator: " ").first, let number = Double(first) { return "\(number)" }
        return plain
    }

    @Test("the flag defaults of synccli in docs/operations.md are the ones its --help shows")
    func cliFlagDefaults() async throws {
        // Given every row of operations.md whose first cell is a synccli verb and whose flags state defaults
        // (rows under a heading that names `tidemark-bench` are that tool's verbs)
        var tool = "synccli"
        var rows: [(tool: String, cells: [String])] = []
        for line in Documents.proseLines(try Documents.text("docs/operations.md")) {
            if line.hasPrefix("#") { tool = line.contains("tidemark-bench") ? "tidemark-bench" : "synccli" }
            if let cells = Documents.cells(line) { rows.append((tool, cells)) }
        }
        var checked = 0
        for (tool, row) in rows where row.count >= 2 && row[0].hasPrefix("`") {
            let flags = Self.documentedFlagDefaults(row[1])
            guard !flags.isEmpty else { continue }
            let verb =
                row[0].split(separator: "`").first.map { $0.split(separator: " ").map(String.init).filter { $0.allSatisfy { $0.isLowercase || $0 == "-" } } }
                ?? []
            guard !verb.isEmpty else { continue }

            // When synccli prints the verb's help
            let help = try await SyncCLI.run(verb + ["--help"], database: nil, tool: tool)
            #expect(help.status == 0, "\(tool) \(verb.joined(separator: " ")) --help: \(help.error)")
            let shown = Self.helpDefaults(help.output + help.error)

            // Then every documented default is the one the code declares
            for (flag, value) in flags {
                checked += 1
                guard let actual = shown[flag] else {
                    Issue.record("docs/operations.md gives `\(tool) \(verb.joined(separator: " ")) \(flag)` the default \(value); its --help shows none")
                    continue
                }
                #expect(
                    Self.normalized(actual) == Self.normalized(value),
                    "docs/operations.md says `\(tool) \(verb.joined(separator: " ")) \(flag)` defaults to \(value); synccli --help says \(actual)"
                )
            }
        }
        #expect(checked >= 20, "only \(checked) documented flag defaults were found in docs/operations.md")
    }

    @Test("the migration versions quoted in the documents are the code's")
    func migrationVersions() throws {
        // Given the highest version of each component this build knows, as `synccli migrate` prints them
        let all = EventStoreMigrations.all + TidemarkMigrations.all
        let versions = Dictionary(all.map { ($0.component, $0.version) }, uniquingKeysWith: max)
        let expected = "(" + versions.sorted { $0.key < $1.key }.map { "\($0.key) v\($0.value)" }.joined(separator: ", ") + ")"

        // Then every list of the form (component vN, …) in the documents is that list
        var found = 0
        for path in try Documents.markdownFiles() {
            for match in try Documents.text(path).matches(of: #/\((?:[a-z]+ v\d+, )+[a-z]+ v\d+\)/#) {
                found += 1
                #expect(String(match.output) == expected, "\(path) quotes the migration versions \(match.output); the code is at \(expected)")
            }
        }
        #expect(found >= 2)
    }
}
