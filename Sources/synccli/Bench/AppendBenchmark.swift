import EventStore
import Foundation
import Logging
import PostgresNIO

/// Measures raw PostgreSQL INSERTs and the event store's append in one run, case by case.
struct AppendBenchmark: Sendable {
    /// One measured case.
    struct Result: Codable, Sendable {
        var writers: Int
        var batch: Int
        var raw_events_per_s: Double
        var store_events_per_s: Double
        var ratio: Double
        var reader_verified_events: Int
    }

    /// The JSON line.
    struct Report: Codable, Sendable {
        var results: [Result]
    }

    let writerCounts: [Int]
    let batchSizes: [Int]
    let seconds: Double
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
        let (writerCounts, batchSizes, seconds) = (writerCounts, batchSizes, seconds)
        let results = try await EventStore.withRunning(
            url: url, maximumConnections: maxWriters + 4, applicationName: "synccli-bench", logger: logger
        ) { store in
            try await store.migrate()
            try await store.client.query(PostgresQuery(unsafeSQL: Self.rawTable))
            var results: [Result] = []
            for writers in writerCounts {
                for batch in batchSizes {
                    printError("bench: \(writers) writer(s), \(batch) event(s) per transaction: raw INSERT for \(seconds) s…")
                    let raw = try await Self.measure(writers: writers, seconds: seconds) { writer, round in
                        try await Self.rawInsert(client: store.client, writer: writer, round: round, batch: batch)
                    } * Double(batch)
                    printError("bench:   raw \(Int(raw)) events/s; event store append for \(seconds) s…")
                    let headBefore = try await store.status().head
                    let stored = try await Self.measure(writers: writers, seconds: seconds) { writer, round in
                        try await Self.storeAppend(store: store, writer: writer, round: round, batch: batch, runTag: "\(writers)x\(batch)")
                    } * Double(batch)
                    let verified = try await Self.verifyReader(store: store, headBefore: headBefore)
                    printError("bench:   store \(Int(stored)) events/s, ratio \(String(format: "%.2f", stored / max(raw, 1))); gap-free reader verified \(verified) events")
                    results.append(Result(
                        writers: writers, batch: batch, raw_events_per_s: raw.rounded(), store_events_per_s: stored.rounded(),
                        ratio: (stored / max(raw, 1) * 1000).rounded() / 1000, reader_verified_events: verified
                    ))
                }
            }
            return results
        }
        return results
    }

    /// Runs `operation` in `writers` concurrent loops for `seconds` and returns operations per second.
    static func measure(
        writers: Int, seconds: Double, _ operation: @escaping @Sendable (Int, Int) async throws -> Void
    ) async throws -> Double {
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
        let elapsed = clock.now - start
        let elapsedSeconds = elapsed.seconds
        return Double(counts) / elapsedSeconds
    }

    static func rawInsert(client: PostgresClient, writer: Int, round: Int, batch: Int) async throws {
        let stream = "raw-w\(writer)"
        if batch == 1 {
            let rows = try await client.execute(RawInsertOne(
                id: UUID(), stream: stream, version: Int64(round + 1), data: payload, metadata: metadata
            ))
            for try await _ in rows {}
        } else {
            let rows = try await client.execute(RawInsertBatch(
                stream: stream,
                ids: (0..<batch).map { _ in UUID() },
                versions: (0..<batch).map { Int64(round * batch + $0 + 1) },
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

    /// Reads the whole log gap-free and checks it holds exactly the events appended after `headBefore`, each once.
    static func verifyReader(store: EventStore, headBefore: Int64) async throws -> Int {
        let expected = try await countAfter(store, headBefore)
        // Another session of this PostgreSQL cluster may hold the horizon for a moment: wait for it.
        let newest = try await store.client.query("SELECT coalesce(max(transaction_id)::text, '0') FROM events")
        for try await transaction in newest.decode(String.self) {
            try await store.waitUntilReadable(UInt64(transaction) ?? 0, timeout: .seconds(120))
        }
        var cursor = LogPosition.start
        var seen = Set<Int64>()
        var count = 0
        while true {
            let page = try await store.readAll(after: cursor, limit: 10_000)
            if page.events.isEmpty { break }
            for event in page.events where event.position > headBefore {
                count += 1
                guard seen.insert(event.position).inserted else {
                    throw EventStoreError(.database, "benchmark reader saw position \(event.position) twice")
                }
            }
            cursor = page.next
        }
        guard count == expected else {
            throw EventStoreError(.database, "benchmark reader saw \(count) events, expected \(expected)")
        }
        return count
    }

    static func countAfter(_ store: EventStore, _ headBefore: Int64) async throws -> Int {
        let rows = try await store.client.query("SELECT count(*) FROM events WHERE position > \(headBefore)")
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// A text table of the results.
    static func table(_ results: [Result]) -> String {
        var lines = ["writers  batch   raw events/s   store events/s   ratio"]
        for r in results {
            lines.append(String(format: "%7d  %5d  %13.0f  %16.0f  %6.2f", r.writers, r.batch, r.raw_events_per_s, r.store_events_per_s, r.ratio))
        }
        return lines.joined(separator: "\n")
    }
}
