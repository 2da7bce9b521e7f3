import Foundation

/// The repository's documents, read by the tests that compare them with the code.
enum Documents {
    /// The repository root: this file is `Tests/SyncServerTests/Support/Documents.swift`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The text of a file of the repository.
    static func text(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: root.appendingPathComponent(path)), as: UTF8.self)
    }

    /// `README.md` and every Markdown file under `docs/`, as repository paths.
    static func markdownFiles() throws -> [String] {
        var paths = ["README.md"]
        let docs = root.appendingPathComponent("docs")
        guard let walker = FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil) else { return paths }
        for case let url as URL in walker where url.pathExtension == "md" {
            paths.append("docs/" + url.path.dropFirst(docs.path.count + 1))
        }
        return paths.sorted()
    }

    /// The lines of `text` outside fenced code blocks.
    static func proseLines(_ text: String) -> [String] {
        var inFence = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if !inFence { lines.append(String(line)) }
        }
        return lines
    }

    /// The cells of a Markdown table row (`| a | b |`), trimmed; `nil` for any other line.
    static func cells(_ line: String) -> [String]? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("|"), trimmed.hasSuffix("|"), trimmed.count > 1 else { return nil }
        return trimmed.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
    }

    /// The rows of every table whose header's first cell is `header`, without the header and
    /// separator rows.
    static func tableRows(headed header: String, in text: String) -> [[String]] {
        let lines = proseLines(text)
        var rows: [[String]] = []
        var index = 0
        while index < lines.count {
            guard let head = cells(lines[index]), head.first == header else {
                index += 1
                continue
            }
            index += 2
            while index < lines.count, let row = cells(lines[index]) {
                rows.append(row)
                index += 1
            }
        }
        return rows
    }

    /// The anchor GitHub gives a heading: lower-cased, punctuation other than `-` and `_`
    /// dropped, spaces turned into `-`.
    static func anchor(ofHeading heading: String) -> String {
        var slug = ""
        for scalar in heading.lowercased().unicodeScalars {
            if scalar == " " {
                slug += "-"
            } else if scalar == "-" || scalar == "_" || CharacterSet.alphanumerics.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            }
        }
        return slug
    }

    /// The anchors of every heading of a Markdown text (repeated headings get `-1`, `-2`…).
    static func anchors(in text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var anchors: Set<String> = []
        for line in proseLines(text) where line.hasPrefix("#") {
            let heading = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            let slug = anchor(ofHeading: heading)
            let count = seen[slug, default: 0]
            anchors.insert(count == 0 ? slug : "\(slug)-\(count)")
            seen[slug] = count + 1
        }
        return anchors
    }
}
