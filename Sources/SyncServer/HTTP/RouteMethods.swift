import Hummingbird

/// The methods routed for each path pattern of a router, to tell `405 Method Not Allowed` (the
/// path exists with other methods) from `404 Not Found`.
///
/// Built once from `Router.routes` after every route is added; a request path is matched segment
/// by segment, a literal segment beating a `{parameter}` as in Hummingbird's trie.
struct RouteMethods: Sendable {
    private enum Segment: Sendable {
        case recursiveWildcard
        case wildcard
        case capture
        case literal(String)

        init(_ text: Substring) {
            switch text {
            case "**": self = .recursiveWildcard
            case "*": self = .wildcard
            default: self = text.contains("{") ? .capture : .literal(String(text))
            }
        }

        /// How specific the segment is: a literal beats a capture, which beats wildcards.
        var rank: Int {
            switch self {
            case .recursiveWildcard: 0
            case .wildcard: 1
            case .capture: 2
            case .literal: 3
            }
        }
    }

    private struct Pattern: Sendable {
        var segments: [Segment]
        var methods: Set<HTTPRequest.Method>

        /// Whether the pattern matches the path's segments.
        func matches(_ path: [Substring]) -> Bool {
            var index = 0
            for segment in segments {
                if case .recursiveWildcard = segment { return true }
                guard index < path.count else { return false }
                if case .literal(let text) = segment, text != path[index] { return false }
                index += 1
            }
            return index == path.count
        }
    }

    private let patterns: [Pattern]
    /// Every routed path and method, in the order the routes were added (for the test that
    /// compares the routes with the documents).
    let routes: [(path: String, method: HTTPRequest.Method)]

    /// Collects the methods of each path (paths as `Router.RouteDescription` writes them, with
    /// `{parameter}` segments).
    init(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        self.routes = routes
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        var order: [String] = []
        for route in routes {
            if byPath[route.path] == nil { order.append(route.path) }
            byPath[route.path, default: []].insert(route.method)
        }
        patterns = order.map { path in
            Pattern(segments: path.split(separator: "/").map(Segment.init), methods: byPath[path] ?? [])
        }
    }

    /// The methods routed for `path` (of the most specific pattern that matches it), sorted; empty
    /// when no route has this path.
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        let best = patterns.filter { $0.matches(segments) }.max { lhs, rhs in
            lhs.segments.map(\.rank).lexicographicallyPrecedes(rhs.segments.map(\.rank))
        }
        return (best?.methods ?? []).sorted { $0.rawValue < $1.rawValue }
    }
}
