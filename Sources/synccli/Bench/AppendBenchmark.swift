import CommandLineSupport
import EventStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Measures raw PostgreSQL INSERTs and the event store's append in one run, case by case.
struct AppendBenchmark: Sendable {
    /// One measured case.
    struct Result: Codable, Sendable {
        var writers: Int
        var batch: Int
        var raw_events_per_s: Double
        var store_events_per_s: Double
        var ratio: Double
        /// The same append with coalescing off: every append its own statement and commit.
        var store_uncoalesced_events_per_s: Double
        var uncoalesced_ratio: Double
        var reader_verified_events: Int
    }

    /// The JSON line.
    struct Report: Codable, Sendable {
        var results: [Result]
    }

    let writerCounts: [Int]
    let batchSizes: [Int]
    let seconds: Double
    /// Slices per side: the sides take turns slice by slice.
    let rounds: Int
    /// The store's ``EventStoreConfiguration/appendStatements`` for the main store column.
    let appendStatements: Int
    /// The store's ``EventStoreConfiguration/appendStatementsAnySize`` for the main store column.
    let appendAnySize: Int
    /// The store's ``EventStoreConfiguration/appendStatementMinEvents`` for the main store column.
    let appendMinEvents: Int
    /// The store's ``EventStoreConfiguration/appendEventsInFlight`` for the main store column.
    let appendEvents: Int
    /// The store's ``EventStoreConfiguration/maxCoalescedEvents`` for the main store column.
    let coalescedEvents: Int
    let logger: Logger

    static let rawTable = """
        CREATE TABLE bench_raw (
            position        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id        uuid        NOT NULL,
            stream          text        NOT NULL,
            stream_version  bigint      NOT NULL,
            tenant_id       text,
            type            text        NOT NULL,
            schema_version  integer     NOT NULL,
            data            jsonb       NOT NULL,
            metadata        jsonb       NOT NULL,
            recorded_at     timestamptz NOT NULL DEFAULT now()
        )
        """

    static let payload = #"{"title":"Buy milk","priority":"high","tags":["home","errand"],"due":"2026-11-24T09:00:00Z"}"#
    static let metadata = #"{"actor":"user-1","device":"device-1","tenant":"tenant-1"}"#

    func run(base: DatabaseURL, databaseName: String) async throws -> [Result] {
        let admin = DatabaseAdmin(url: base, logger: logger)
        try await admin.dropDatabase(databaseName)
        try await admin.createDatabase(databaseName)
        let url = base.withDatabase(databaseName)
        let maxWriters = writerCounts.max() ?? 1
        let (writerCounts, batchSizes, seconds, rounds) = (writerCounts, batchSizes, seconds, rounds)
        let configuration = EventStoreConfiguration(
            appendStatements: appendStatements, appendStatementsAnySize: appendAnySize, appendStatementMinEvents: appendMinEvents,
            appendEventsInFlight: appendEvents,
            maxCoalescedEvents: coalescedEvents
        )
        let results = try await EventStore.withRunning(
            url: url, configuration: configuration, maximumConnections: maxWriters + 4, applicationName: "synccli-bench", logger: logger
        ) { store in
            try await store.migrate()
            try await store.client.query(PostgresQuery(unsafeSQL: Self.rawTable))
            // The same store over the same pool, with every append its own statement and commit.
            var plainConfiguration = configuration
            plainConfiguration.appendStatements = 0
            let plain = EventStore(client: store.client, configuration: plainConfiguration, logger: store.logger)
            return try await Self.withServices(of: plain) {
                var results: [Result] = []
                var cursor = LogPosition.start
                for writers in writerCounts {
                    for batch in batchSizes {
                        results.append(
                            try await Self.measureCase(
                                store: store, plain: plain, writers: writers, batch: batch, seconds: seconds, rounds: rounds, cursor: &cursor
                            ))
                    }
                }
                return results
            }
        }
        return results
    }

    /// Raw inserts, the store's append, and the store's append without coalescing, for one case.
    ///
    /// Each side's time is cut into `rounds` slices and the sides take turns, slice by slice, so
    /// that a checkpoint or a busy neighbour on the machine weighs on every side alike. A side's
    /// rate is its events over its own measured time. After every store slice a gap-free reader
    /// tails the log from where it stopped and must see exactly the events written in the slice.
    static func measureCase(
        store: EventStore, plain: EventStore, writers: Int, batch: Int, seconds: Double, rounds: Int, cursor: inout LogPosition
    ) async throws -> Result {
        printError("bench: \(writers) writer(s), \(batch) event(s) per transaction: \(seconds) s per side in \(rounds) turn(s)…")
        let slice = seconds / Double(rounds)
        var totals = [(operations: 0, seconds: 0.0), (operations: 0, seconds: 0.0), (operations: 0, seconds: 0.0)]
        var verified = 0
        for round in 0..<rounds {
            let raw = try await measure(writers: writers, seconds: slice) { writer, number in
                try await rawInsert(client: store.client, writer: writer, round: round, number: number, batch: batch)
            }
            totals[0].operations += raw.operations
            totals[0].seconds += raw.seconds
            for (index, (side, appender)) in [("store", store), ("uncoalesced", plain)].enumerated() {
                let headBefore = try await store.status().head
                let measured = try await measure(writers: writers, seconds: slice) { writer, number in
                    try await storeAppend(store: appender, writer: writer, round: number, batch: batch, runTag: "\(side)-\(writers)x\(batch)-r\(round)")
                }
                verified += try await verifyReader(store: store, headBefore: headBefore, cursor: &cursor)
                totals[index + 1].operations += measured.operations
                totals[index + 1].seconds += measured.seconds
            }
        }
        let rates = totals.map { Double($0.operations * batch) / max($0.seconds, 0.001) }
        let (raw, coalesced, uncoalesced) = (rates[0], rates[1], rates[2])
        func ratio(_ rate: Double) -> Double { (rate / max(raw, 1) * 1000).rounded() / 1000 }
        printError(
            """
            bench:   raw \(Int(raw)) events/s; store \(Int(coalesced)) (ratio \(String(format: "%.2f", ratio(coalesced)))); \
            uncoalesced \(Int(uncoalesced)) (ratio \(String(format: "%.2f", ratio(uncoalesced)))); gap-free reader verified \(verified) events
            """)
        return Result(
            writers: writers, batch: batch, raw_events_per_s: raw.rounded(), store_events_per_s: coalesced.rounded(),
            ratio: ratio(coalesced), store_uncoalesced_events_per_s: uncoalesced.rounded(), uncoalesced_ratio: ratio(uncoalesced),
            reader_verified_events: verified
        )
    }

    /// Runs `body` while `store`'s notification services run.
    static func withServices<T: Sendable>(of store: EventStore, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in store.services {
                group.addTask { try? await service.run() }
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Runs `operation` in `writers` concurrent loops for `seconds`; returns the operations done and
    /// the time they took.
    static func measure(
        writers: Int, seconds: Double, _ operation: @escaping @Sendable (Int, Int) async throws -> Void
    ) async throws -> (operations: Int, seconds: Double) {
        let clock = ContinuousClock()
        let duration = Duration.milliseconds(Int64(seconds * 1000))
        let start = clock.now
        let deadline = start + duration
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var round = 0
                    while clock.now < deadline {
                        try await operation(writer, round)
                        round += 1
                    }
                    return round
                }
            }
            return try await group.reduce(0, +)
        }
        return (counts, (clock.now - start).seconds)
    }

    /// ``measure(writers:seconds:_:)`` as operations per second.
    static func measureRate(
        writers: Int, seconds: Double, _ operation: @escaping @Sendable (Int, Int) async throws -> Void
    ) async throws -> Double {
        let measured = try await measure(writers: writers, seconds: seconds, operation)
        return Double(measured.operations) / max(measured.seconds, 0.001)
    }

    /// One raw insert (`batch` rows) by `writer`, its `number`th of slice `round`.
    static func rawInsert(client: PostgresClient, writer: Int, round: Int, number: Int, batch: Int) async throws {
        let stream = "raw-r\(round)-w\(writer)"
        if batch == 1 {
            let rows = try await client.execute(
                RawInsertOne(
                    id: UUID(), stream: stream, version: Int64(number + 1), data: payload, metadata: metadata
                ))
            for try await _ in rows {}
        } else {
            let rows = try await client.execute(
                RawInsertBatch(
                    stream: stream,
                    ids: (0..<batch).map { _ in UUID() },
                    versions: (0..<batch).map { Int64(number * batch + $0 + 1) },
                    data: Array(repeating: payload, count: batch),
                    metadata: Array(repeating: metadata, count: batch)
                ))
            for try await _ in rows {}
        }
    }

    static func storeAppend(store: EventStore, writer: Int, round: Int, batch: Int, runTag: String) async throws {
        let stream = try StreamName("bench-\(runTag)-w\(writer)")
        let metadata = EventMetadata(tenantID: "tenant-1", actorID: "user-1", deviceID: "device-1")
        let events = (0..<batch).map { _ in EventData(type: "TodoCreated", json: payload, metadata: metadata) }
        try await store.append(to: stream, expected: .exact(Int64(round * batch)), events: events)
    }

    /// Tails the log gap-free from `cursor` (where the previous check stopped) and checks it finds
    /// exactly the events appended after `headBefore`, each once; moves `cursor` to the end.
    static func verifyReader(store: EventStore, headBefore: Int64, cursor: inout LogPosition) async throws -> Int {
        let expected = try await countAfter(store, headBefore)
        // Another session of this PostgreSQL cluster may hold the horizon for a moment: wait for it.
        let newest = try await store.client.query(
            "SELECT coalesce(max(transaction_id)::text, '0') FROM events WHERE position > \(headBefore)"
        )
        for try await transaction in newest.decode(String.self) {
            try await store.waitUntilReadable(UInt64(transaction) ?? 0, timeout: .seconds(120))
        }
        var seen = Set<Int64>()
        while true {
            let page = try await store.readAll(after: cursor, limit: 10_000)
            if page.events.isEmpty { break }
            for event in page.events {
                guard event.position > headBefore else {
                    throw CLIFailure(.verificationFailed, "benchmark reader saw position \(event.position) again, or one written before the slice")
                }
                guard seen.insert(event.position).inserted else {
                    throw CLIFailure(.verificationFailed, "benchmark reader saw position \(event.position) twice")
                }
            }
            cursor = page.next
        }
        guard seen.count == expected else {
            throw CLIFailure(.verificationFailed, "benchmark reader saw \(seen.count) events, expected \(expected)")
        }
        return seen.count
    }

    static func countAfter(_ store: EventStore, _ headBefore: Int64) async throws -> Int {
        let rows = try await store.client.query("SELECT count(*) FROM events WHERE position > \(headBefore)")
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// A text table of the results.
    static func table(_ results: [Result]) -> String {
        var lines = ["writers  batch   raw events/s   store events/s   ratio   uncoalesced events/s   ratio"]
        for r in results {
            lines.append(
                String(
                    format: "%7d  %5d  %13.0f  %16.0f  %6.2f  %21.0f  %6.2f",
                    r.writers, r.batch, r.raw_events_per_s, r.store_events_per_s, r.ratio, r.store_uncoalesced_events_per_s, r.uncoalesced_ratio
                ))
        }
        return lines.joined(separator: "\n")
    }
}
