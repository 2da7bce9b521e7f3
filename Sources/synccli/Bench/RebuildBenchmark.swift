import CommandLineSupport
import Commands
import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import SyncServer

/// Measures a blue/green rebuild of the todos projection against plain SQL building the same
/// tables from the same events, in one fresh database and one run, and checks both agree.
struct RebuildBenchmark: Sendable {
    /// The JSON line and the figures printed.
    struct Report: Codable, Sendable {
        /// Events in the log (all todo events).
        var events: Int
        /// Todos they describe.
        var todos: Int
        /// Seconds to generate the events.
        var generate_seconds: Double
        /// Seconds of the Tidemark rebuild (start to swap).
        var seconds: Double
        /// Events per second of the Tidemark rebuild.
        var events_per_s: Double
        /// Seconds of the SQL baseline.
        var sql_seconds: Double
        /// Events per second of the SQL baseline.
        var sql_events_per_s: Double
        /// Tidemark / SQL.
        var ratio: Double
        /// Whether both tables agreed (the run fails otherwise).
        var verified: Bool
        /// The target for `events_per_s`.
        var target_events_per_s: Double
        /// The target for `ratio`.
        var target_ratio: Double
    }

    /// Events to generate (rounded down to a multiple of five, one todo per five events).
    let events: Int
    /// Events per shadow transaction of the rebuild.
    let batchSize: Int
    /// Where it logs.
    let logger: Logger

    /// Users the todos belong to.
    static let users = 5_000
    /// Tenants the users belong to.
    static let tenants = 4
    /// Todos per generated transaction (five events each).
    static let todosPerChunk = 2_000
    /// The scratch schema of the SQL baseline.
    static let sqlSchema = "bench_sql"
    /// Targets printed next to the figures.
    static let targetEventsPerSecond = 50_000.0
    /// Targets printed next to the figures.
    static let targetRatio = 0.3

    /// Drops and creates `databaseName`, generates the events, runs both sides and verifies them.
    func run(base: DatabaseURL, databaseName: String) async throws -> Report {
        let admin = DatabaseAdmin(url: base, logger: logger)
        try await admin.dropDatabase(databaseName)
        try await admin.createDatabase(databaseName)
        let url = base.withDatabase(databaseName)
        let todoCount = max(events / 5, 1)
        let (batchSize, logger) = (batchSize, logger)
        guard let projection = ReadModels.all.first(where: { $0.name == "todos" }) else {
            throw CLIFailure(.benchmarkFailed, "this build has no todos projection")
        }
        return try await EventStore.withRunning(url: url, maximumConnections: 4, applicationName: "synccli-bench", logger: logger) { store in
            try await store.migrate(additional: TidemarkMigrations.all)

            printError("bench: generating \(todoCount * 5) todo events (\(todoCount) todos, \(Self.users) users, \(Self.tenants) tenants) with SQL…")
            let generateSeconds = try await Self.timed { try await Self.generate(todos: todoCount, client: store.client, logger: logger) }
            let eventCount = try await Self.count("SELECT count(*) FROM events", client: store.client, logger: logger)
            printError(String(format: "bench:   %d events in %.1f s; VACUUM ANALYZE events…", eventCount, generateSeconds))
            _ = try await store.client.query("VACUUM ANALYZE events", logger: logger)
            try await Self.waitReadable(store: store, logger: logger)

            printError("bench: Tidemark — ProjectionRebuilder(todos), batch \(batchSize), from the start of the log…")
            let bar = SharedProgressBar(ProgressBar(total: eventCount, label: "bench rebuild todos", unit: "events"))
            let rebuilder = ProjectionRebuilder(
                projection: projection, store: store, database: url,
                options: ProjectionRunnerOptions(rebuildBatchSize: batchSize), logger: logger
            ) { progress in
                bar.update(Int(progress.applied), total: Int(progress.expected))
            }
            var report: RebuildReport?
            let seconds = try await Self.timed { report = try await rebuilder.rebuild() }
            bar.update(Int(report?.events ?? 0), total: Int(report?.events ?? 0), force: true)
            bar.finish()
            guard let report, report.events == Int64(eventCount) else {
                throw CLIFailure(.verificationFailed, "the rebuild applied \(report?.events ?? 0) events, expected \(eventCount)")
            }
            printError(String(format: "bench:   Tidemark %.1f s, %.0f events/s", seconds, Double(eventCount) / seconds))

            printError("bench: SQL baseline — INSERT … SELECT and UPDATEs into schema \(Self.sqlSchema)…")
            let sqlSeconds = try await Self.timed { try await Self.baseline(projection: projection, client: store.client, logger: logger) }
            printError(String(format: "bench:   SQL %.1f s, %.0f events/s", sqlSeconds, Double(eventCount) / sqlSeconds))

            try await Self.verify(client: store.client, logger: logger)

            let rate = Double(eventCount) / max(seconds, 1e-9)
            let sqlRate = Double(eventCount) / max(sqlSeconds, 1e-9)
            return Report(
                events: eventCount, todos: todoCount, generate_seconds: Self.round(generateSeconds, 3),
                seconds: Self.round(seconds, 3), events_per_s: rate.rounded(),
                sql_seconds: Self.round(sqlSeconds, 3), sql_events_per_s: sqlRate.rounded(),
                ratio: Self.round(rate / sqlRate, 3), verified: true,
                target_events_per_s: Self.targetEventsPerSecond, target_ratio: Self.targetRatio
            )
        }
    }

    /// Inserts the events chunk by chunk, one transaction per chunk.
    static func generate(todos: Int, client: PostgresClient, logger: Logger) async throws {
        guard todos > 0 else { return }
        var bar = ProgressBar(total: todos * 5, label: "bench generate", unit: "events")
        // One stream number per todo, reserved from the store's sequence: todo i is number base + i.
        var base: Int64 = 1
        let reserved = try await client.query(
            "SELECT setval('events_stream_id_seq', nextval('events_stream_id_seq') + \(Int64(todos)) - 1) - \(Int64(todos)) + 1",
            logger: logger
        )
        for try await first in reserved.decode(Int64.self) { base = first }
        var start = 0
        while start < todos {
            let end = min(start + todosPerChunk, todos)
            var binds = PostgresBindings(capacity: 5)
            binds.append(Int64(start))
            binds.append(Int64(end))
            binds.append(Int64(users))
            binds.append(Int64(tenants))
            binds.append(base)
            _ = try await client.query(PostgresQuery(unsafeSQL: RebuildBenchmarkSQL.generate, binds: binds), logger: logger)
            start = end
            bar.update(start * 5, force: start == todos)
        }
        bar.finish()
    }

    /// Builds `todos` and `todo_daily_summary` in the scratch schema with plain SQL, in one transaction.
    static func baseline(projection: any Projection, client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            _ = try await connection.query("BEGIN", logger: logger)
            do {
                _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(sqlSchema) CASCADE"), logger: logger)
                _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(sqlSchema)"), logger: logger)
                _ = try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(sqlSchema), public"), logger: logger)
                for statement in projection.schema + RebuildBenchmarkSQL.baseline {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Fails unless `read` (built by the rebuild) and the scratch schema hold the same rows.
    static func verify(client: PostgresClient, logger: Logger) async throws {
        let live = try await checksum(schema: "read", client: client, logger: logger)
        let sql = try await checksum(schema: sqlSchema, client: client, logger: logger)
        printError("bench: checksums (rows, sum(hashtext(title)), completed, sum(hashtext(tags)), with due date)")
        printError("bench:   tidemark read.todos    \(live)")
        printError("bench:   sql      \(sqlSchema).todos \(sql)")
        let todoDiff = try await count(RebuildBenchmarkSQL.todosDifference("read", sqlSchema), client: client, logger: logger)
        let summaryDiff = try await count(RebuildBenchmarkSQL.summaryDifference("read", sqlSchema), client: client, logger: logger)
        let summaryRows = try await count("SELECT count(*) FROM read.todo_daily_summary", client: client, logger: logger)
        guard live == sql, todoDiff == 0, summaryDiff == 0, (live.first ?? 0) > 0 else {
            throw CLIFailure(
                .verificationFailed,
                "the rebuilt tables and the SQL baseline differ (checksums \(live) vs \(sql); \(todoDiff) todos row(s) and \(summaryDiff) todo_daily_summary row(s) differ)"
            )
        }
        printError("bench:   verified: every column of \(live.first ?? 0) todos and \(summaryRows) todo_daily_summary rows agree")
    }

    static func checksum(schema: String, client: PostgresClient, logger: Logger) async throws -> [Int64] {
        let rows = try await client.query(PostgresQuery(unsafeSQL: RebuildBenchmarkSQL.checksum(schema: schema)), logger: logger)
        for try await (count, titles, completed, tags, due) in rows.decode((Int64, Int64, Int64, Int64, Int64).self) {
            return [count, titles, completed, tags, due]
        }
        return []
    }

    static func count(_ sql: String, client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        for try await value in rows.decode(Int64.self) { return Int(value) }
        return 0
    }

    /// Waits until the gap-free reader sees every generated event (another session of the cluster may hold the horizon).
    static func waitReadable(store: EventStore, logger: Logger) async throws {
        let rows = try await store.client.query("SELECT coalesce(max(transaction_id)::text, '0') FROM events", logger: logger)
        for try await transaction in rows.decode(String.self) {
            try await store.waitUntilReadable(UInt64(transaction) ?? 0, timeout: .seconds(120))
        }
    }

    static func timed(_ body: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        return ProgressBar.seconds(clock.now - start)
    }

    static func round(_ value: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }

    /// The text table.
    static func table(_ report: Report) -> String {
        func target(_ ok: Bool) -> String { ok ? "met" : "NOT met" }
        return [
            "events     \(report.events) (\(report.todos) todos; generated in \(String(format: "%.1f", report.generate_seconds)) s)",
            "side       seconds    events/s",
            String(
                format: "tidemark  %8.2f  %10.0f   target ≥ %.0f: %@", report.seconds, report.events_per_s, report.target_events_per_s,
                target(report.events_per_s >= report.target_events_per_s)),
            String(format: "sql       %8.2f  %10.0f", report.sql_seconds, report.sql_events_per_s),
            String(format: "ratio tidemark/sql %.3f   target ≥ %.2f: %@", report.ratio, report.target_ratio, target(report.ratio >= report.target_ratio)),
            "verified   rows and checksums of todos and todo_daily_summary agree",
        ].joined(separator: "\n")
    }
}
