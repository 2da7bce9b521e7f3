import Foundation

/// Reads parts of `docs/openapi.yaml` by indentation (the document is block-style YAML with
/// two-space steps), so tests can hold the server's answers against what the document promises.
struct OpenAPIText {
    let lines: [Substring]

    /// The repository's document.
    static func load() throws -> OpenAPIText {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        return OpenAPIText(lines: text.split(separator: "\n", omittingEmptySubsequences: false))
    }

    /// The lines below the first line equal to `indent` spaces plus `key:` (after `start`),
    /// until the next line indented as much or less.
    func block(_ key: String, indent: Int, in range: Range<Int>? = nil) -> Range<Int>? {
        let range = range ?? lines.indices
        let header = String(repeating: " ", count: indent) + key + ":"
        guard let start = range.first(where: { lines[$0] == header || lines[$0].hasPrefix(header + " ") }) else { return nil }
        var end = start + 1
        while end < range.upperBound {
            let line = lines[end]
            let leading = line.prefix { $0 == " " }.count
            if !line.trimmingCharacters(in: .whitespaces).isEmpty, leading <= indent { break }
            end += 1
        }
        return (start + 1)..<end
    }

    /// The text of a block.
    func text(_ range: Range<Int>?) -> String {
        guard let range else { return "" }
        return lines[range].joined(separator: "\n")
    }

    /// The response status codes documented for an operation, such as `["200", "400"]`.
    func statuses(path: String, method: String) -> Set<String> {
        guard let pathBlock = block(path, indent: 2, in: block("paths", indent: 0)),
            let operation = block(method, indent: 4, in: pathBlock),
            let responses = block("responses", indent: 6, in: operation)
        else { return [] }
        return Set(
            lines[responses].compactMap { line -> String? in
                guard line.hasPrefix("        \""), !line.hasPrefix("         ") else { return nil }
                return line.split(separator: "\"").dropFirst().first.map(String.init)
            })
    }

    /// The text of a schema under `components.schemas`.
    func schema(_ name: String) -> String {
        text(block(name, indent: 4, in: block("schemas", indent: 2, in: block("components", indent: 0))))
    }

    /// The text of a parameter under `components.parameters`.
    func parameter(_ name: String) -> String {
        text(block(name, indent: 4, in: block("parameters", indent: 2, in: block("components", indent: 0))))
    }
}
