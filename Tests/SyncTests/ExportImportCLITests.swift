import EventStore
import Foundation
import Logging
import PostgresNIO
import Testing
import TidemarkTestSupport

/// `synccli events export` and `import` as an operator runs them: a log written by the real command
/// service, exported, imported into an empty database, and both sides' projections rebuilt give
/// the same read tables, row by row.
@Suite("synccli events export and import", .timeLimit(.minutes(5)))
struct ExportImportCLITests {
    static let logger = Logger(label: "tidemark-test")

    /// Every row of every table of schema `read`, as text, per table, in a stable order.
    func readTables(_ url: DatabaseURL) async throws -> [String: [String]] {
        try await withStore(url: url, maximumConnections: 2) { store in
            var tables: [String] = []
            let names = try await store.client.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'read' AND table_type = 'BASE TABLE'",
                logger: Self.logger)
            for try await name in names.decode(String.self) { tables.append(name) }
            var result: [String: [String]] = [:]
            for table in tables {
                var rows: [String] = []
                let query = PostgresQuery(unsafeSQL: "SELECT t::text FROM read.\"\(table)\" t ORDER BY 1")
                for try await row in try await store.client.query(query, logger: Self.logger).decode(String.self) { rows.append(row) }
                result[table] = rows
            }
            return result
        }
    }

    func rebuildAll(_ database: String) async throws {
        let list = try await SyncCLI.run(["projections", "list"], database: database)
        #expect(list.status == 0, "\(list.error)")
        let names = list.output.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.count >= 7, "\(list.output)")
        for name in names {
            let rebuilt = try await SyncCLI.run(["projections", "rebuild", name], database: database)
            #expect(rebuilt.status == 0, "rebuild \(name): \(rebuilt.error)")
        }
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test("export, import into an empty database, rebuild: the read tables equal the source's row by row")
    func roundTripGivesTheSameReadTables() async throws {
        let source = try await TestDatabase.create(prefix: "exp", from: .server)
        let target = try await TestDatabase.create(prefix: "imp", from: .server)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).ndjson.zst").path
        try await withCleanUp {
            let seeded = try await SyncCLI.run(["seed", "--tenants", "2", "--password-cost", "4"], database: source.url.database)
            #expect(seeded.status == 0, "\(seeded.error)")

            // Other tests' open transactions can hold the log's horizon back: export once every event is readable.
            try await withStore(url: source.url, maximumConnections: 2) { store in
                try await eventually("every seeded event is readable") {
                    var behind: Int64 = -1
                    let rows = try await store.client.query(
                        "SELECT count(*) FROM events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())", logger: Self.logger)
                    for try await count in rows.decode(Int64.self) { behind = count }
                    return behind == 0
                }
            }
            let exported = try await SyncCLI.run(["events", "export", "--output", file, "--json"], database: source.url.database)
            #expect(exported.status == 0, "\(exported.error)")
            let exportReport = try json(exported.output)
            let events = try #require(exportReport["events"] as? Int)
            #expect(events > 100)

            let imported = try await SyncCLI.run(["events", "import", file, "--json"], database: target.url.database)
            #expect(imported.status == 0, "\(imported.error)")
            let importReport = try json(imported.output)
            #expect(importReport["events"] as? Int == events)
            #expect(importReport["sha256"] as? String == exportReport["sha256"] as? String)

            // The users' data keys are not in the export: copied besides it, as an operator would.
            #expect(try await PersonalDataKeyCopy.copy(from: source.url, to: target.url, logger: Self.logger) > 0)
            try await rebuildAll(source.url.database)
            try await rebuildAll(target.url.database)
            let sourceTables = try await readTables(source.url)
            let targetTables = try await readTables(target.url)
            #expect(sourceTables.keys.sorted() == targetTables.keys.sorted())
            #expect(sourceTables.values.map(\.count).reduce(0, +) > 50)
            for (table, rows) in sourceTables {
                #expect(targetTables[table] == rows, "read.\(table) differs after import and rebuild")
            }

            // The imported log seals and verifies like any other.
            let sealed = try await SyncCLI.run(["events", "seal", "--json"], database: target.url.database)
            let blocks = try json(sealed.output)["blocks_now"] as? Int
            #expect((blocks ?? 0) >= 1, "\(sealed.error)")
            let verified = try await SyncCLI.run(["events", "verify", "--json"], database: target.url.database)
            let verifiedEvents = try json(verified.output)["events_verified"] as? Int
            #expect(verified.status == 0 && verifiedEvents == events, "\(verified.output)")

            // A second import, a missing file, an unknown position: clear errors, nothing written.
            let again = try await SyncCLI.run(["events", "import", file], database: target.url.database)
            #expect(again.status == 1 && again.error.contains("log_not_empty"), "\(again.error)")
            let empty = try await TestDatabase.create(prefix: "imp", from: .server)
            let missing = try await SyncCLI.run(["events", "import", file + ".nowhere"], database: empty.url.database)
            #expect(missing.status == 1 && missing.error.contains("file_failed") && missing.error.contains("cannot open"), "\(missing.error)")
            try await empty.drop()
            let unknown = try await SyncCLI.run(["events", "export", "--output", file + ".x", "--from", "999999"], database: source.url.database)
            #expect(unknown.status == 1 && unknown.error.contains("no event has that global position"), "\(unknown.error)")
            #expect(!FileManager.default.fileExists(atPath: file + ".x") && !FileManager.default.fileExists(atPath: file + ".x.partial"))
            let badLevel = try await SyncCLI.run(["events", "export", "--output", file, "--level", "20"], database: nil)
            #expect(badLevel.status == 64 && badLevel.error.contains("--level must be 1-19 for zstd"), "\(badLevel.error)")
            let badCompression = try await SyncCLI.run(["events", "export", "--output", file, "--compression", "lz4"], database: nil)
            #expect(badCompression.status == 64 && badCompression.error.contains("--compression must be zstd or gzip"), "\(badCompression.error)")
        } cleanUp: {
            try? FileManager.default.removeItem(atPath: file)
            try? await source.drop()
            try? await target.drop()
        }
    }
}
