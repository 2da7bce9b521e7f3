import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

@Suite("Migrations")
struct MigrationTests {
    @Test("eight processes migrating at once apply each migration exactly once")
    func concurrentMigrations() async throws {
        let database = try await TestDatabase.create()
        defer { Task { try? await database.drop() } }
        let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await withStore(url: database.url, maximumConnections: 2) { store in try await store.migrate() }
                }
            }
            return try await group.reduce(into: [MigrationReport]()) { $0.append($1) }
        }
        #expect(reports.map(\.applied.count).reduce(0, +) == EventStoreMigrations.all.count)
        #expect(reports.allSatisfy { $0.versions["eventstore"] == EventStoreMigrations.all.count })
        try await withStore(url: database.url) { store in
            let again = try await store.migrate()
            #expect(again.applied.isEmpty)
            let rows = try await store.client.query("SELECT count(*) FROM tidemark_migrations WHERE component = 'eventstore'")
            for try await count in rows.decode(Int.self) { #expect(count == EventStoreMigrations.all.count) }
        }
        try await database.drop()
    }

    @Test("a database newer than the code is refused")
    func newerDatabase() async throws {
        try await withFreshStore { store, _ in
            try await store.client.query("INSERT INTO tidemark_migrations (component, version, name) VALUES ('eventstore', 999, 'from the future')")
            let error = await #expect(throws: EventStoreError.self) { try await store.migrate() }
            #expect(error?.code == .databaseNewerThanCode)
            #expect(error?.message.contains("999") == true)
        }
    }

    @Test("a failing migration keeps nothing of its run")
    func failingMigration() async throws {
        try await withFreshStore { store, _ in
            let broken = [
                Migration(component: "demo", version: 1, name: "good", statements: ["CREATE TABLE demo_a (id int)"]),
                Migration(component: "demo", version: 2, name: "bad", statements: ["CREATE TABLE demo_b (id nosuchtype)"]),
            ]
            let error = await #expect(throws: EventStoreError.self) { try await store.migrate(additional: broken) }
            #expect(error?.code == .migrationFailed)
            let rows = try await store.client.query("SELECT count(*) FROM pg_tables WHERE tablename = 'demo_a'")
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
            let gap = [Migration(component: "demo", version: 2, name: "gap", statements: [])]
            let gapError = await #expect(throws: EventStoreError.self) { try await store.migrate(additional: gap) }
            #expect(gapError?.code == .migrationFailed)
        }
    }

    @Test("components apply in the order they are listed, so a later one may alter an earlier one's table whatever their names")
    func componentsApplyInListOrder() async throws {
        try await withFreshStore { store, _ in
            // Given a component that creates a table, listed before one whose name sorts first and alters it
            let listed = [
                Migration(component: "zz_base", version: 1, name: "table", statements: ["CREATE TABLE order_demo (id int)"]),
                Migration(component: "aa_extension", version: 1, name: "column", statements: ["ALTER TABLE order_demo ADD COLUMN note text"]),
            ]
            // When both are applied to a fresh database
            let report = try await store.migrate(additional: listed)
            // Then they ran in list order
            #expect(report.applied.map(\.component).suffix(2) == ["zz_base", "aa_extension"])
            let rows = try await store.client.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'order_demo' AND column_name = 'note'")
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
        }
    }
}
