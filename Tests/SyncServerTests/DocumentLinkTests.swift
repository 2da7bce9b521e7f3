import Foundation
import Testing

/// Links between the documents: every relative link names a file of the repository and, when it
/// has one, a heading of that file.
@Suite("Links between the documents")
struct DocumentLinkTests {
    @Test("every relative link in README.md and docs/ points at an existing file and heading")
    func relativeLinks() throws {
        var checked = 0
        for path in try Documents.markdownFiles() {
            let text = try Documents.text(path)
            let folder = (path as NSString).deletingLastPathComponent
            for line in Documents.proseLines(text) {
                for match in line.matches(of: #/\]\((?<target>[^)\s]+)\)/#) {
                    let target = String(match.output.target)
                    guard !target.contains("://"), !target.hasPrefix("mailto:") else { continue }
                    checked += 1
                    let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    let file = parts[0].isEmpty ? path : ((folder as NSString).appendingPathComponent(parts[0]) as NSString).standardizingPath
                    let url = Documents.root.appendingPathComponent(file)
                    guard FileManager.default.fileExists(atPath: url.path) else {
                        Issue.record("\(path) links to \(target): \(file) does not exist")
                        continue
                    }
                    guard parts.count == 2, file.hasSuffix(".md") else { continue }
                    let anchors = Documents.anchors(in: try Documents.text(file))
                    #expect(anchors.contains(parts[1]), "\(path) links to \(target): \(file) has no heading with the anchor #\(parts[1])")
                }
            }
        }
        #expect(checked > 100, "only \(checked) links found")
    }

    @Test("headings become the anchors GitHub makes")
    func anchors() {
        #expect(Documents.anchor(ofHeading: "Read-your-writes: `included_seq`") == "read-your-writes-included_seq")
        #expect(Documents.anchor(ofHeading: "Blue/green rebuild") == "bluegreen-rebuild")
        #expect(Documents.anchor(ofHeading: "The client replica (`SyncClient`)") == "the-client-replica-syncclient")
        #expect(Documents.anchor(ofHeading: "Running against another PostgreSQL (14 or later)") == "running-against-another-postgresql-14-or-later")
        #expect(Documents.anchors(in: "# A\n## A\n```\n# not a heading\n```\n") == ["a", "a-1"])
    }
}
