import EventStore
import Foundation
import Hummingbird
import Logging
import Testing

@testable import SyncServer

/// The routes the server registers against the documents that list them: the paths and methods of
/// docs/openapi.yaml, the endpoint table and the REST routes of docs/protocol.md, and the count
/// in the README. Builds the application as `synccli serve` does; needs no database.
@Suite("The route list against the documents")
struct RouteListTests {
    /// `METHOD /path` of every route of the application `buildApplication` makes (HTTP and WebSocket).
    static func registeredRoutes() async throws -> Set<String> {
        var logger = Logger(label: "route-list-test")
        logger.logLevel = .critical
        let configuration = ServerConfiguration(databaseURL: try DatabaseURL("postgres://tidemark@127.0.0.1:54329/tidemark"))
        let app = try buildApplication(configuration: configuration, logger: logger)
        let routes = try #require(Self.routeMethods(in: try await app.responder), "no RouteMethods in the application's responder")
        return Set(routes.routes.map { "\($0.method.rawValue) \($0.path)" })
    }

    /// The ``RouteMethods`` somewhere in the responder chain (the table the 405 answers come from).
    static func routeMethods(in value: Any, depth: Int = 0) -> RouteMethods? {
        if let routes = value as? RouteMethods { return routes }
        guard depth < 8 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let found = routeMethods(in: child.value, depth: depth + 1) { return found }
        }
        return nil
    }

    /// `METHOD /path` of the operations of docs/openapi.yaml.
    static func openAPIRoutes() throws -> Set<String> {
        let operations = OpenAPIDocumentTests.operations(inYAML: try Documents.text("docs/openapi.yaml"))
        return Set(operations.flatMap { path, methods in methods.map { "\($0.uppercased()) \(path)" } })
    }

    /// `METHOD /path` of the endpoint table of docs/protocol.md, and of the REST route column of
    /// its mutation table.
    static func protocolRoutes() throws -> (endpoints: Set<String>, rest: Set<String>, restCountInTable: Int?) {
        let text = try Documents.text("docs/protocol.md")
        var endpoints: Set<String> = []
        var more: Int?
        for row in Documents.tableRows(headed: "Method", in: text) where row.count >= 2 {
            if let count = row[0].firstMatch(of: #/^\((?<count>\d+) more\)$/#) {
                more = Int(count.output.count)
                continue
            }
            endpoints.insert(row[0].replacingOccurrences(of: "`", with: "") + " " + row[1].replacingOccurrences(of: "`", with: ""))
        }
        var rest: Set<String> = []
        for row in Documents.tableRows(headed: "Mutation", in: text) {
            guard let last = row.last, let match = last.firstMatch(of: #/^`(?<route>(?:GET|POST|PUT|PATCH|DELETE) /v1/[^`]*)`$/#) else { continue }
            rest.insert(String(match.output.route))
        }
        return (endpoints, rest, more)
    }

    @Test("every route the server registers is in docs/openapi.yaml with its method, and nothing else is")
    func routesMatchOpenAPI() async throws {
        let registered = try await Self.registeredRoutes()
        let documented = try Self.openAPIRoutes()
        #expect(registered.count >= 50, "\(registered.count) routes: \(registered.sorted())")
        for route in registered.subtracting(documented).sorted() {
            Issue.record("\(route) is registered by the server (buildApplication) but missing from docs/openapi.yaml")
        }
        for route in documented.subtracting(registered).sorted() {
            Issue.record("\(route) is in docs/openapi.yaml but the server (buildApplication) does not register it")
        }
    }

    @Test("every route the server registers is in docs/protocol.md: the endpoint table or a mutation's REST route")
    func routesMatchProtocol() async throws {
        let registered = try await Self.registeredRoutes()
        let (endpoints, rest, more) = try Self.protocolRoutes()
        #expect(endpoints.isDisjoint(with: rest), "routes in both tables of docs/protocol.md: \(endpoints.intersection(rest).sorted())")
        let documented = endpoints.union(rest)
        for route in registered.subtracting(documented).sorted() {
            Issue.record("\(route) is registered by the server but missing from docs/protocol.md (Endpoints or the REST route column of Mutations)")
        }
        for route in documented.subtracting(registered).sorted() {
            Issue.record("\(route) is in docs/protocol.md but the server does not register it")
        }
        // The REST routes are the write routes, and the endpoint table counts them right
        let writes = Set(
            WriteRoute.all.map { route in
                "\(route.method.rawValue) /v1/"
                    + route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            })
        #expect(
            rest == writes,
            "the REST route column of docs/protocol.md differs from WriteRoute.all: missing \(writes.subtracting(rest).sorted()), extra \(rest.subtracting(writes).sorted())"
        )
        #expect(
            more == WriteRoute.all.count,
            "docs/protocol.md's endpoint table says (\(more.map(String.init) ?? "no") more) write routes; WriteRoute.all has \(WriteRoute.all.count)")
    }

    @Test("the README counts the REST write routes right")
    func readmeCount() throws {
        let readme = try Documents.text("README.md")
        let match = try #require(readme.firstMatch(of: #/one route per mutation \((?<count>\d+)\)/#), "README.md no longer says 'one route per mutation (N)'")
        #expect(
            Int(match.output.count) == WriteRoute.all.count,
            "README.md says \(match.output.count) REST write routes; WriteRoute.all has \(WriteRoute.all.count)")
    }
}
