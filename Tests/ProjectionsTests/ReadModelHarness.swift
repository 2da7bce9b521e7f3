import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import TidemarkTestSupport

/// Fixed ids, principals and a clock shared by the read-model tests.
enum Cast {
    static let tenant = TenantID(rawValue: UUID(uuid: (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let alice = UserID(rawValue: UUID(uuid: (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let bob = UserID(rawValue: UUID(uuid: (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)))
    static let boss = UserID(rawValue: UUID(uuid: (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9)))

    static let aliceP = Principal.user(alice, tenantID: tenant)
    static let bobP = Principal.user(bob, tenantID: tenant)
    static let adminP = Principal.user(boss, tenantID: tenant, roles: [.member, .admin])
    static let systemP = Principal.system(tenantID: tenant)

    /// 2025-01-31T09:30:00.250Z
    static let t0 = Date(timeIntervalSince1970: 1_738_315_800.25)
    static let day = 86_400.0
    static let hash1 = "$2b$12$" + String(repeating: "a", count: 53)
    static let hash2 = "$2y$10$" + String(repeating: "B", count: 52) + "."
}

/// A log written by running domain commands: each decided event becomes a ``RecordedEvent``
/// with the next position and its stream version.
struct Story {
    private(set) var events: [RecordedEvent] = []
    private var streams: [String: [any DomainEvent]] = [:]

    /// Decides `command` against the stream's folded state at `t0 + seconds` and records the events.
    @discardableResult
    mutating func run<A: Aggregate>(
        _ aggregate: A.Type, _ id: A.ID, _ command: A.Command, as principal: Principal, after seconds: Double = 0
    ) throws -> [A.Event] {
        let name = A.streamName(for: id)
        let past = (streams[name] ?? []).compactMap { $0 as? A.Event }
        let now = Cast.t0.addingTimeInterval(seconds)
        let decided = try A.decide(command, state: A.fold(past), context: CommandContext(principal: principal, now: now))
        for (offset, event) in decided.enumerated() {
            let position = Int64(events.count + 1)
            events.append(
                RecordedEvent(
                    position: position, transactionID: UInt64(position), id: UUID(), stream: try StreamName(name),
                    streamVersion: Int64(past.count + offset + 1), type: event.eventType, schemaVersion: event.schemaVersion,
                    data: try event.encodedData(),
                    metadata: EventMetadata(tenantID: Cast.tenant.description, actorID: principal.userID?.description),
                    recordedAt: now))
        }
        streams[name, default: []].append(contentsOf: decided)
        return decided
    }

    /// Appends the story's events to `store` one by one and reads them back from the log.
    func stored(in store: EventStore) async throws -> [RecordedEvent] {
        var last: UInt64 = 0
        for event in events {
            last = try await store.append(
                to: event.stream, expected: .exact(event.streamVersion - 1),
                events: [
                    EventData(type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata)
                ]
            ).transactionID
        }
        try await store.waitUntilReadable(last)
        return try await store.readAll(after: .start, limit: 1000).events
    }
}

/// One connection to a fresh database with read schemas, applying projections the way the runner does.
struct ReadModelDatabase: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Creates `schema` and the projections' tables in it.
    func create(_ schema: String = "read", for projections: [any Projection]) async throws {
        try await exec("CREATE SCHEMA \(schema)")
        try await transaction(in: schema) {
            for projection in projections {
                for statement in projection.schema { try await exec(statement) }
            }
        }
    }

    /// Applies `events` with `projection` in one transaction whose search path is `schema`.
    func apply(_ projection: any Projection, _ events: [RecordedEvent], in schema: String = "read") async throws {
        try await transaction(in: schema) {
            try await projection.apply(events, in: ProjectionContext(connection: connection, logger: logger))
        }
    }

    /// Applies `events` in batches of `size`.
    func apply(_ projection: any Projection, _ events: [RecordedEvent], batchesOf size: Int, in schema: String = "read") async throws {
        var start = 0
        while start < events.count {
            let end = min(start + size, events.count)
            try await apply(projection, Array(events[start..<end]), in: schema)
            start = end
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT` with `SET LOCAL search_path TO schema`; rolls back on error.
    func transaction(in schema: String, _ body: () async throws -> Void) async throws {
        try await exec("BEGIN")
        do {
            try await exec("SET LOCAL search_path TO \(schema)")
            try await body()
            try await exec("COMMIT")
        } catch {
            try? await exec("ROLLBACK")
            throw error
        }
    }

    /// Runs one statement.
    func exec(_ sql: String) async throws {
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// The rows of `sql` as column → text dictionaries (SQL NULL is `"NULL"`).
    func rows(_ sql: String) async throws -> [[String: String]] {
        let wrapped = """
            SELECT coalesce((SELECT jsonb_object_agg(key, coalesce(value #>> '{}', 'NULL')) FROM jsonb_each(to_jsonb(t))), '{}')::text
            FROM (\(sql)) AS t
            """
        var result: [[String: String]] = []
        for try await text in try await connection.query(PostgresQuery(unsafeSQL: wrapped), logger: logger).decode(String.self) {
            result.append(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)))
        }
        return result
    }

    /// One integer from `sql`.
    func count(_ sql: String) async throws -> Int {
        var value = 0
        for try await number in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) {
            value = number
        }
        return value
    }

    /// Every row of every table of `projection` in `schema`, as sorted JSON lines.
    func dump(_ projection: any Projection, in schema: String) async throws -> [String] {
        var lines: [String] = []
        for table in projection.tables {
            let sql = "SELECT '\(table.name) ' || to_jsonb(t)::text FROM \(schema).\(table.name) AS t ORDER BY 1"
            for try await line in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) {
                lines.append(line)
            }
        }
        return lines
    }
}

/// Runs `body` on one connection of a fresh, migrated database whose schema `read` holds the tables of `projections`.
func withReadModels(
    _ projections: [any Projection],
    _ body: @Sendable (ReadModelDatabase, EventStore) async throws -> Void
) async throws {
    try await withFreshStore { store, _ in
        var logger = Logger(label: "read-model-test")
        logger.logLevel = .warning
        try await store.client.withConnection { connection in
            let database = ReadModelDatabase(connection: connection, logger: logger)
            try await database.create(for: projections)
            try await body(database, store)
        }
    }
}
