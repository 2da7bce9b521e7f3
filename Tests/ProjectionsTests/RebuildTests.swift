import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import Testing
import TidemarkTestSupport

@Suite("Blue/green rebuilds and the analyst role", .timeLimit(.minutes(3)))
struct RebuildTests {
    /// What concurrent readers of the live table saw.
    struct ReaderLog: Sendable {
        var reads = 0
        var emptyReads = 0
        var decreases = 0
        var errors: [String] = []
    }

    @Test("a rebuild to a new version while writers write: readers never see an empty or shrinking table, and no event is lost or doubled")
    func rebuildUnderWriters() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 1_000, batch: 20)
            let v1 = RunnerHarness.start(CounterProjection(name: "counter"), store, database)
            #expect(try await RunnerHarness.exactlyOnce(store))

            let stop = Locked(false)
            let readers = Locked(ReaderLog())
            let writers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            while !stop.value { try await RunnerHarness.appendCounted(store, count: 3, batch: 3) }
                        }
                    }
                    for _ in 0..<2 {
                        group.addTask {
                            // Each reader compares with its own previous read: two readers' results
                            // may be recorded in another order than their snapshots were taken.
                            var last: Int64 = 0
                            while !stop.value {
                                do {
                                    let (rows, _) = try await RunnerHarness.applied(store)
                                    let decreased = rows < last
                                    last = max(last, rows)
                                    readers.withLock { log in
                                        log.reads += 1
                                        if rows == 0 { log.emptyReads += 1 }
                                        if decreased { log.decreases += 1 }
                                    }
                                } catch {
                                    readers.withLock { $0.errors.append(String(reflecting: error)) }
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Rebuild version 2 (a new column) while the writers, the readers and the v1 runner run.
            let report = try await RunnerHarness.rebuilder(CounterProjection(name: "counter", version: 2), store, database).rebuild()
            #expect(report.version == 2)
            #expect(report.events >= 1_000)
            // The writers and readers go on after the swap for a few more rounds.
            let atSwap = try await RunnerHarness.logCount(store)
            try await eventually("the writers append after the swap") { try await RunnerHarness.logCount(store) >= atSwap + 24 }
            stop.withLock { $0 = true }
            try await writers.value
            await RunnerHarness.stop(v1)

            // The v2 runner takes over from the swap position and catches up.
            let v2 = RunnerHarness.start(CounterProjection(name: "counter", version: 2), store, database)
            #expect(try await RunnerHarness.exactlyOnce(store))
            let log = readers.value
            #expect(log.reads > 10)
            #expect(log.emptyReads == 0)
            #expect(log.decreases == 0)
            #expect(log.errors.isEmpty, "reader errors: \(log.errors.prefix(3))")
            let admin = ProjectionAdmin(projections: [CounterProjection(name: "counter", version: 2)], client: store.client, logger: RunnerHarness.logger)
            let status = try #require(try await admin.status().first)
            #expect(status.liveVersion == 2)
            #expect(status.rebuild == nil)
            // The new column exists in the live table, and the shadow schema is gone.
            let rows = try await store.client.query("SELECT count(*) FROM read.applied_counter WHERE note = 'v2'")
            for try await count in rows.decode(Int64.self) { #expect(count == (try await RunnerHarness.logCount(store))) }
            let schemas = try await store.client.query("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'read_next_%'")
            for try await count in schemas.decode(Int64.self) { #expect(count == 0) }
            await RunnerHarness.stop(v2)
        }
    }

    @Test("a runner whose code version is newer than the live tables rebuilds them at start")
    func rebuildOnVersionChange() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 400)
            let v1 = RunnerHarness.start(CounterProjection(name: "counter"), store, database)
            #expect(try await RunnerHarness.exactlyOnce(store))
            await RunnerHarness.stop(v1)
            try await RunnerHarness.appendCounted(store, count: 100)
            let projection = CounterProjection(name: "counter", version: 2)
            let admin = ProjectionAdmin(projections: [projection], client: store.client, logger: RunnerHarness.logger)
            #expect(try await admin.status().first?.state == "outdated")
            let v2 = RunnerHarness.start(projection, store, database)
            #expect(try await holdsEventually { try await admin.status().first?.liveVersion == 2 })
            #expect(try await RunnerHarness.exactlyOnce(store))
            #expect(try await admin.status().first?.state == "running")
            await RunnerHarness.stop(v2)
        }
    }

    @Test("two rebuilds of one projection at once: the second is refused as busy, the live tables stay intact")
    func concurrentRebuildRefused() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 600)
            let started = Locked(false)
            let slow = CounterProjection(
                name: "counter", version: 2,
                hook: { _ in
                    started.withLock { $0 = true }
                    try? await Task.sleep(for: .milliseconds(100))
                })
            let first = Task {
                try await RunnerHarness.rebuilder(slow, store, database).rebuild()
            }
            #expect(try await holdsEventually { started.value })
            let error = await #expect(throws: ProjectionError.self) {
                try await RunnerHarness.rebuilder(CounterProjection(name: "counter", version: 2), store, database).rebuild()
            }
            #expect(error?.code == .busy)
            let report = try await first.value
            #expect(report.events == 600)
            #expect(try await RunnerHarness.applied(store).rows == 600)
        }
    }

    @Test("the analyst role reads the read schema, across rebuilds, and is refused the log, the bookkeeping and writes")
    func analystRole() async throws {
        let role = "analyst_\(UUID().uuidString.lowercased().prefix(8))"
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 50)
            _ = try await RunnerHarness.rebuilder(CounterProjection(name: "counter"), store, database).rebuild()
            try await AnalystRole.ensure(name: role, client: store.client, logger: RunnerHarness.logger)
            // A rebuild after the role exists moves new tables in: the grant must follow them.
            _ = try await RunnerHarness.rebuilder(CounterProjection(name: "counter", version: 2), store, database).rebuild()

            var url = database.url
            url.username = role
            let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 1, logger: RunnerHarness.logger)
            func sqlState(_ sql: String) async -> PostgresError.Code? {
                do {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: RunnerHarness.logger).collect()
                    return nil
                } catch let error as PSQLError {
                    return error.sqlState ?? .internalError
                } catch {
                    return .internalError
                }
            }
            #expect(await sqlState("SELECT count(*) FROM read.applied_counter WHERE note = 'v2'") == nil)
            #expect(await sqlState("SELECT * FROM events LIMIT 1") == .insufficientPrivilege)
            #expect(await sqlState("SELECT * FROM projection_checkpoints LIMIT 1") == .insufficientPrivilege)
            #expect(await sqlState("SELECT * FROM tidemark_migrations LIMIT 1") == .insufficientPrivilege)
            let write = await sqlState("DELETE FROM read.applied_counter")
            #expect(write == .readOnlySqlTransaction || write == .insufficientPrivilege)
            // Bad names are refused before anything reaches PostgreSQL.
            await #expect(throws: ProjectionError.self) {
                try await AnalystRole.ensure(name: "Robert'); DROP TABLE events;--", client: store.client, logger: RunnerHarness.logger)
            }
            try await connection.close()
        }
        try await withStore(url: try DatabaseURL.fromEnvironment()) { store in
            _ = try await store.client.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \(role)"))
        }
    }
}

@Suite("A rebuild that cannot finish", .timeLimit(.minutes(2)))
struct FailedRebuildTests {
    @Test("a rebuild stopped by an event the new version cannot apply leaves the live tables, version and checkpoint untouched; the next rebuild starts clean")
    func failedRebuildLeavesLiveTables() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 300)
            let v1 = RunnerHarness.start(CounterProjection(name: "counter", poisoned: Locked(false)), store, database)
            let poison = try await RunnerHarness.appendPoison(store)
            try await store.waitUntilReadable(poison.transactionID)
            try await RunnerHarness.appendCounted(store, count: 100)
            let admin = ProjectionAdmin(projections: [CounterProjection(name: "counter")], client: store.client, logger: RunnerHarness.logger)
            #expect(try await holdsEventually { try await admin.status().first?.lagEvents == 0 })
            let before = try #require(try await admin.status().first)
            // Version 2 still chokes on the poison event.
            let error = await #expect(throws: ProjectionError.self) {
                try await RunnerHarness.rebuilder(CounterProjection(name: "counter", version: 2), store, database).rebuild()
            }
            #expect(error?.code == .invalidState)
            #expect(error?.message.contains("live tables are untouched") == true)
            let after = try #require(try await admin.status().first)
            #expect(after.liveVersion == 1)
            #expect(after.position == before.position)
            #expect(try await RunnerHarness.applied(store).rows == 401)
            // The abandoned rebuild shows as inactive; a fixed version rebuilds over its leftovers.
            #expect(after.rebuild?.active == false)
            let report = try await RunnerHarness.rebuilder(CounterProjection(name: "counter", version: 2, poisoned: Locked(false)), store, database).rebuild()
            #expect(report.events == 401)
            #expect(try await admin.status().first?.rebuild == nil)
            await RunnerHarness.stop(v1)
        }
    }
}
