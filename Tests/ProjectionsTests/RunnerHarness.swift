import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import TidemarkTestSupport

/// Helpers for the runner tests: appends, polling and exactly-once checks against `read.applied`.
enum RunnerHarness {
    static var logger: Logger {
        var logger = Logger(label: "tidemark-test")
        logger.logLevel = .warning
        return logger
    }

    /// Fast timings so that tests take over and recover quickly.
    static let options = ProjectionRunnerOptions(
        batchSize: 50, leaseRetryInterval: .milliseconds(200), failedPollInterval: .milliseconds(100), rebuildBatchSize: 200,
        operationTimeout: .seconds(3)
    )

    /// Starts a runner of `projection` with the harness's fast options; cancel the task to stop it.
    static func start(_ projection: CounterProjection, _ store: EventStore, _ database: TestDatabase) -> Task<Void, any Error> {
        let runner = ProjectionRunner(projection: projection, store: store, database: database.url, options: options, logger: logger)
        return Task { try await runner.run() }
    }

    /// A rebuilder of `projection` with the harness's fast options.
    static func rebuilder(_ projection: CounterProjection, _ store: EventStore, _ database: TestDatabase) -> ProjectionRebuilder {
        ProjectionRebuilder(projection: projection, store: store, database: database.url, options: options, logger: logger)
    }

    /// Cancels runner tasks and waits until they have stopped.
    static func stop(_ tasks: Task<Void, any Error>...) async {
        for task in tasks { task.cancel() }
        for task in tasks { _ = await task.result }
    }

    /// The event store's and the projections' migrations: what every runner test starts from.
    static let template = DatabaseTemplate.migrated("projections", ProjectionMigrations.all)

    /// Appends `count` `Counted` events in batches of `batch` to fresh streams and waits until they
    /// are readable; returns their transaction ids.
    @discardableResult
    static func appendCounted(_ store: EventStore, count: Int, batch: Int = 10) async throws -> [UInt64] {
        var transactions: [UInt64] = []
        var left = count
        while left > 0 {
            let n = min(batch, left)
            let stream = try StreamName("counted-\(UUID().uuidString.lowercased())")
            let events = (0..<n).map { _ in EventData(type: "Counted", json: #"{"n":1}"#) }
            let result = try await store.append(to: stream, expected: .noStream, events: events)
            transactions.append(result.transactionID)
            left -= n
        }
        // Other suites share the cluster: wait until the log horizon has passed these events, so
        // a test that reads "up to the head" right away sees all of them.
        if let last = transactions.max() { try await store.waitUntilReadable(last) }
        return transactions
    }

    /// Appends one `Poison` event.
    static func appendPoison(_ store: EventStore) async throws -> AppendResult {
        let stream = try StreamName("counted-\(UUID().uuidString.lowercased())")
        return try await store.append(to: stream, expected: .noStream, events: [EventData(type: "Poison", json: #"{"bad":true}"#)])
    }

    /// `(rows, max applied_count)` of `<schema>.applied`.
    static func applied(_ store: EventStore, schema: String = "read", table: String = "applied_counter") async throws -> (rows: Int64, maxCount: Int32) {
        do {
            let rows = try await store.client.query(PostgresQuery(unsafeSQL: "SELECT count(*), coalesce(max(applied_count), 0) FROM \(schema).\(table)"))
            for try await (count, maxCount) in rows.decode((Int64, Int32).self) { return (count, maxCount) }
            return (0, 0)
        } catch let error as PSQLError where error.sqlState == .undefinedTable {
            return (0, 0)  // the runner has not created the table yet
        }
    }

    /// Positions of the events of `types` in the log.
    static func logCount(_ store: EventStore, types: [String] = ["Counted"]) async throws -> Int64 {
        let rows = try await store.client.query("SELECT count(*) FROM events WHERE type = ANY(\(types))")
        for try await count in rows.decode(Int64.self) { return count }
        return 0
    }

    /// Every `Counted` event in the log is in `read.applied` exactly once.
    static func exactlyOnce(_ store: EventStore, timeout: Duration = .seconds(30)) async throws -> Bool {
        let expected = try await logCount(store)
        return try await holdsEventually(timeout: timeout) {
            let (rows, maxCount) = try await applied(store)
            return rows == expected && maxCount == 1
        }
    }

    /// Process ids of the backends holding `name`'s live lease connection.
    static func runnerBackends(_ store: EventStore, name: String) async throws -> [Int32] {
        let rows = try await store.client.query(
            """
            SELECT pid FROM pg_stat_activity
            WHERE split_part(application_name, '@', 1) = \("tidemark-projection-" + name) AND datname = current_database()
            """
        )
        var pids: [Int32] = []
        for try await pid in rows.decode(Int32.self) { pids.append(pid) }
        return pids
    }

    static func terminate(_ store: EventStore, pids: [Int32]) async throws {
        for pid in pids {
            _ = try await store.client.query("SELECT pg_terminate_backend(\(pid))")
        }
    }
}
