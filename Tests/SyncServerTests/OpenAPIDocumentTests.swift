import Foundation
import Testing

/// The OpenAPI document: the copy the server serves is the documented one, and it describes every
/// REST write route. Reads the files of the repository; needs no database.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    /// The repository root: this file is `Tests/SyncServerTests/OpenAPIDocumentTests.swift`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The bytes of a file of the repository.
    static func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(path))
    }

    /// The text of a file of the repository.
    static func text(_ path: String) throws -> String {
        String(decoding: try bytes(path), as: UTF8.self)
    }

    /// The operations under `paths:` of a YAML document in block style: path → lower-cased methods.
    ///
    /// Path keys are indented two spaces and methods four; no YAML library is needed for that.
    static func operations(inYAML yaml: String) -> [String: Set<String>] {
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var result: [String: Set<String>] = [:]
        var inPaths = false
        var current: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if !inPaths {
                inPaths = line == "paths:"
                continue
            }
            if let first = line.first, first != " ", first != "#" { break }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                var key = String(line.dropFirst(2).dropLast())
                if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
                current = key
                result[key, default: []] = []
            } else if let path = current, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let key = String(line.dropFirst(4).dropLast())
                if methods.contains(key) { result[path, default: []].insert(key) }
            }
        }
        return result
    }

    @Test("the bundled openapi.yaml is a byte-identical copy of docs/openapi.yaml")
    func bundledCopyIsIdentical() throws {
        // Given the documented file and the copy bundled with the server
        let documented = try Self.bytes("docs/openapi.yaml")
        let bundled = try Self.bytes("Sources/SyncServer/Resources/openapi.yaml")

        // Then they are the same bytes, and more than a stub
        #expect(documented == bundled, "copy docs/openapi.yaml to Sources/SyncServer/Resources/openapi.yaml")
        #expect(String(decoding: documented, as: UTF8.self).hasPrefix("openapi: 3.1"))
        #expect(documented.count > 10_000)
    }

    @Test("every REST write route of WriteRoute.all is documented with its method")
    func everyWriteRouteIsDocumented() throws {
        // Given the routes declared in WriteRoute.swift
        let source = try Self.text("Sources/SyncServer/REST/WriteRoute.swift")
        let routes = source.matches(of: #/WriteRoute\(method: \.(?<method>\w+), path: "(?<path>[^"]*)"/#).map {
            (method: String($0.output.method), path: String($0.output.path))
        }
        let declared = source.matches(of: #/WriteRoute\(method:/#).count
        #expect(!routes.isEmpty)
        #expect(routes.count == declared, "every WriteRoute(...) line must match the pattern of this test")

        // When the document's paths are read
        let documented = Self.operations(inYAML: try Self.text("docs/openapi.yaml"))

        // Then each route is a path of the document (`:param` written `{param}`) with its method
        for route in routes {
            let segments = route.path.split(separator: "/").map { segment in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }
            let path = "/v1/" + segments.joined(separator: "/")
            let methods = documented[path]
            #expect(methods != nil, "\(path) is missing under paths: in docs/openapi.yaml")
            #expect(methods?.contains(route.method) == true, "\(route.method.uppercased()) \(path) is not documented")
        }
    }

    @Test("the line reader finds paths and their methods")
    func lineReader() {
        // Given a small document in the layout of docs/openapi.yaml
        let yaml = """
            openapi: 3.1.0
            paths:
              /v1/todos/{todo_id}:
                parameters:
                  - $ref: "#/components/parameters/TodoID"
                patch:
                  summary: x
                delete:
                  summary: y
              "/health":
                get:
                  summary: z
            components:
              schemas:
                post:
                  type: object
            """

        // Then it reads exactly the operations under paths:
        #expect(Self.operations(inYAML: yaml) == ["/v1/todos/{todo_id}": ["patch", "delete"], "/health": ["get"]])
    }
}
