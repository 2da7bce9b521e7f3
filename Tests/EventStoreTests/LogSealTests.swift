import EventStore
import Foundation
import Logging
import PostgresNIO
import Testing
import TidemarkTestSupport

/// The tamper-evident chain: `LogSealer` seals the log in blocks, `LogVerifier` names the first
/// event that differs. Tampering is done as the tests' superuser, behind the store's back, with the
/// append-only trigger disabled, exactly as an intruder with database access could.
@Suite("Sealing and verifying the log", .timeLimit(.minutes(3)))
struct LogSealTests {
    static let logger = Logger(label: "tidemark-test")

    /// Appends `streams` streams of 1-3 events each, in separate transactions, and waits until
    /// they are readable (other tests' open transactions can hold the horizon back).
    func write(_ store: EventStore, streams: Int) async throws {
        for index in 0..<streams {
            let result = try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(1 + index % 3, tenant: "t-\(index % 2)"))
            if index == streams - 1 { try await store.waitUntilReadable(result.transactionID) }
        }
    }

    func seal(_ database: TestDatabase, blockSize: Int = 4) async throws -> LogSealReport {
        try await LogSealer(database: database.url, options: LogSealer.Options(blockSize: blockSize), logger: Self.logger).sealAvailable()
    }

    func verify(_ store: EventStore, from: Int64? = nil) async throws -> LogVerification {
        try await store.withConnection { try await LogVerifier(connection: $0, logger: Self.logger).verify(from: from) }
    }

    /// Runs statements with the append-only triggers disabled, as a superuser could.
    func tamper(_ store: EventStore, _ statements: [PostgresQuery]) async throws {
        try await store.withConnection { connection in
            _ = try await connection.query("ALTER TABLE events DISABLE TRIGGER events_append_only", logger: Self.logger)
            _ = try await connection.query("ALTER TABLE event_seals DISABLE TRIGGER event_seals_append_only", logger: Self.logger)
            for statement in statements { _ = try await connection.query(statement, logger: Self.logger) }
            _ = try await connection.query("ALTER TABLE events ENABLE TRIGGER events_append_only", logger: Self.logger)
            _ = try await connection.query("ALTER TABLE event_seals ENABLE TRIGGER event_seals_append_only", logger: Self.logger)
        }
    }

    func positions(_ store: EventStore) async throws -> [Int64] {
        var all: [Int64] = []
        for try await position in try await store.client.query("SELECT position FROM events ORDER BY transaction_id, position", logger: Self.logger)
            .decode(Int64.self)
        {
            all.append(position)
        }
        return all
    }

    @Test("an untouched log verifies, every event sealed exactly once, in blocks that chain")
    func untouchedLogVerifies() async throws {
        try await withFreshStore { store, database in
            try await write(store, streams: 12)
            let report = try await seal(database)
            let all = try await positions(store)
            #expect(report.sealedNow == all.count)
            #expect(report.blocksNow == (all.count + 3) / 4)
            let result = try await verify(store)
            #expect(result.isIntact)
            #expect(result.eventsVerified == all.count)
            #expect(result.blocksVerified == report.blocksNow)
            #expect(result.head == report.head)
            #expect(result.unsealed == 0)
            // New events are counted as unsealed until the next seal, then verified.
            try await write(store, streams: 2)
            #expect(try await verify(store).unsealed == 3)
            let again = try await seal(database)
            #expect(again.sealedNow == 3)
            let after = try await verify(store)
            #expect(after.isIntact && after.eventsVerified == all.count + 3 && after.unsealed == 0)
            // Sealing with nothing new writes nothing.
            #expect(try await seal(database).sealedNow == 0)
            // Verifying from the middle starts at the block that seals that event.
            let middle = try await verify(store, from: all[all.count / 2])
            #expect(middle.isIntact && middle.eventsVerified < all.count + 3 && middle.eventsVerified > 0)
            // The seals are append-only for the application too.
            await #expect(throws: (any Error).self) {
                for try await _ in try await store.client.query("DELETE FROM event_seals", logger: Self.logger) {}
            }
        }
    }

    @Test("a row altered behind the store's back is named")
    func alteredRowIsNamed() async throws {
        try await withFreshStore { store, database in
            try await write(store, streams: 10)
            _ = try await seal(database)
            let target = try await positions(store)[7]
            try await tamper(store, ["UPDATE events SET data = jsonb_set(data, '{n}', '99') WHERE position = \(target)"])
            let result = try await verify(store)
            let mismatch = try #require(result.mismatch)
            #expect(mismatch.kind == .altered)
            #expect(mismatch.position == target)
            #expect(mismatch.stream?.hasPrefix("test-") == true)
            #expect(result.eventsVerified == 7)
        }
    }

    @Test("a metadata-only or time-only change is named too")
    func subtleChangesAreNamed() async throws {
        try await withFreshStore { store, database in
            try await write(store, streams: 6)
            _ = try await seal(database)
            let all = try await positions(store)
            try await tamper(store, ["UPDATE events SET recorded_at = recorded_at + interval '1 microsecond' WHERE position = \(all[4])"])
            #expect(try await verify(store).mismatch?.position == all[4])
        }
        try await withFreshStore { store, database in
            try await write(store, streams: 6)
            _ = try await seal(database)
            let all = try await positions(store)
            try await tamper(store, ["UPDATE events SET metadata = metadata || '{\"actor\":\"someone-else\"}' WHERE position = \(all[2])"])
            #expect(try await verify(store).mismatch?.position == all[2])
        }
    }

    @Test("a row deleted behind the store's back is named")
    func deletedRowIsNamed() async throws {
        try await withFreshStore { store, database in
            try await write(store, streams: 10)
            _ = try await seal(database)
            let target = try await positions(store)[5]
            try await tamper(store, ["DELETE FROM events WHERE position = \(target)"])
            let mismatch = try #require(try await verify(store).mismatch)
            #expect(mismatch.kind == .missing)
            #expect(mismatch.position == target)
        }
    }

    @Test("a row inserted among sealed ones is named")
    func insertedRowIsNamed() async throws {
        try await withFreshStore { store, database in
            try await write(store, streams: 10)
            _ = try await seal(database)
            let first = try await positions(store)[0]
            // Same transaction id as the first event, a position after it: inside the sealed range.
            try await tamper(
                store,
                [
                    """
                    INSERT INTO events (position, transaction_id, event_id, stream, category, stream_id, stream_version, type, schema_version, data, metadata)
                    OVERRIDING SYSTEM VALUE
                    SELECT 900000, transaction_id, gen_random_uuid(), 'test-forged', 'test', 900000, 1, 'Forged', 1, '{}', '{}'
                    FROM events WHERE position = \(first)
                    """
                ])
            let mismatch = try #require(try await verify(store).mismatch)
            #expect(mismatch.kind == .inserted)
            #expect(mismatch.position == 900_000)
            #expect(mismatch.type == "Forged")
        }
    }

    @Test("a row moved to another place in the log is named")
    func movedRowIsNamed() async throws {
        try await withFreshStore { store, database in
            try await write(store, streams: 10)
            _ = try await seal(database)
            let all = try await positions(store)
            // Give the third event the transaction id of the sixth: it now sorts later.
            try await tamper(
                store,
                [
                    "UPDATE events SET transaction_id = (SELECT transaction_id FROM events WHERE position = \(all[5])) WHERE position = \(all[2])"
                ])
            let mismatch = try #require(try await verify(store).mismatch)
            #expect([LogMismatch.Kind.reordered, .altered].contains(mismatch.kind))
            #expect(mismatch.position == all[2])
        }
    }

    @Test("a changed or removed seal breaks the chain")
    func changedSealBreaksTheChain() async throws {
        try await withFreshStore { store, database in
            try await write(store, streams: 10)
            _ = try await seal(database)
            // An intruder who alters an event and re-digests it in its seal still breaks the chain.
            let target = try await positions(store)[1]
            try await tamper(
                store,
                [
                    "UPDATE events SET data = '{\"n\":42}' WHERE position = \(target)",
                    """
                    UPDATE event_seals s SET digests = overlay(s.digests PLACING (SELECT \(unescaped: LogSeal.eventDigestSQL) FROM events e WHERE e.position = \(target)) FROM 33 FOR 32)
                    WHERE block = 1
                    """,
                ])
            let mismatch = try #require(try await verify(store).mismatch)
            #expect(mismatch.kind == .sealAltered)
            #expect(mismatch.block == 1)
        }
        try await withFreshStore { store, database in
            try await write(store, streams: 10)
            _ = try await seal(database)
            try await tamper(store, ["DELETE FROM event_seals WHERE block = 2"])
            let mismatch = try #require(try await verify(store).mismatch)
            #expect(mismatch.kind == .sealMissing)
            #expect(mismatch.block == 2)
        }
    }

    @Test("two sealers racing writers seal every event once, in one chain")
    func racingSealers() async throws {
        try await withFreshStore { store, database in
            let options = LogSealer.Options(blockSize: 7, idleInterval: .milliseconds(10), leaseRetryInterval: .milliseconds(20))
            let sealers = (0..<2).map { _ in Task { try await LogSealer(database: database.url, options: options, logger: Self.logger).run() } }
            // Four writers, some appending several streams in one transaction.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for round in 0..<25 {
                            if round % 5 == 0 {
                                _ = try await store.append([
                                    StreamAppend(stream: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(2)),
                                    StreamAppend(stream: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(1)),
                                ])
                            } else {
                                _ = try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(1 + (writer + round) % 2))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let last = try await store.append(to: Fixtures.stream(), expected: .noStream, events: Fixtures.events(1))
            try await store.waitUntilReadable(last.transactionID)
            let total = try await positions(store).count
            try await eventually("every event sealed", timeout: .seconds(30)) {
                try await verify(store).eventsVerified == total
            }
            for sealer in sealers { sealer.cancel() }
            let result = try await verify(store)
            #expect(result.isIntact && result.unsealed == 0)
            var counts: [(Int64, Int64, Int64, Int64)] = []
            let rows = try await store.client.query(
                """
                SELECT count(*), max(block), (SELECT count(*) FROM event_seals, unnest(positions)),
                       (SELECT count(DISTINCT p) FROM event_seals, unnest(positions) AS p) FROM event_seals
                """,
                logger: Self.logger
            )
            for try await row in rows.decode((Int64, Int64, Int64, Int64).self) { counts.append(row) }
            let (blocks, maxBlock, sealed, distinct) = try #require(counts.first)
            #expect(blocks == maxBlock)
            #expect(sealed == Int64(total))
            #expect(distinct == Int64(total))
        }
    }

    @Test("sealing by hand while a server's sealer holds the lease waits for that sealer instead")
    func sealByHandWaitsForTheHolder() async throws {
        try await withFreshStore { store, database in
            let options = LogSealer.Options(idleInterval: .milliseconds(20))
            let holder = Task { try await LogSealer(database: database.url, options: options, logger: Self.logger).run() }
            defer { holder.cancel() }
            // Once the running sealer has sealed something, it holds the lease.
            try await write(store, streams: 3)
            try await eventually("the running sealer sealed the first events", timeout: .seconds(30)) {
                try await verify(store).eventsVerified > 0
            }
            try await write(store, streams: 5)
            let report = try await seal(database)
            #expect(report.waitedForHolder)
            #expect(report.sealedNow == 0)
            let result = try await verify(store)
            let total = try await positions(store).count
            #expect(result.isIntact && result.unsealed == 0 && result.eventsVerified == total)
        }
    }
}
