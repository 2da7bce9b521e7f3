import Foundation
import GRDB
import SyncProtocol

/// The replica database: visible rows, server copies, the mutation queue, rejections and sync
/// state. It migrates itself when opened, and every write method keeps the invariant *visible row
/// = server copy + queued mutations re-applied in sequence order* in one transaction.
struct Replica: Sendable {
    /// The database: a `DatabasePool` on a file (WAL mode, so readers and observers never wait for
    /// the writer), or any other writer, such as an in-memory `DatabaseQueue` in tests.
    let writer: any DatabaseWriter

    /// Opens (creating if needed) and migrates the replica file at `path`, and gives a new replica
    /// its device id.
    /// - Throws: ``SyncClientError`` `database` when the file cannot be opened or migrated.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "tidemark.replica"
        configuration.busyMode = .timeout(10)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw SyncClientError(.database, "the replica at \(path) could not be opened", underlying: error)
        }
        try self.init(writer: pool, name: path)
    }

    /// Migrates the replica in `writer` (an empty database becomes a new replica), and gives a new
    /// replica its device id.
    /// - Parameters:
    ///   - writer: The database, for example `DatabaseQueue()` for a replica in memory.
    ///   - name: How errors name the database.
    /// - Throws: ``SyncClientError`` `database` when the database cannot be migrated.
    init(writer: any DatabaseWriter, name: String = "in memory") throws {
        do {
            try ReplicaMigrator.migrator.migrate(writer)
            try writer.write { db in
                if try SyncStateStore.get(.deviceID, db) == nil {
                    try SyncStateStore.set(.deviceID, UUID().uuidString.lowercased(), db)
                }
                if try SyncStateStore.get(.nextSeq, db) == nil {
                    try SyncStateStore.set(.nextSeq, "1", db)
                }
            }
        } catch let error as SyncClientError {
            throw error
        } catch {
            throw SyncClientError(.database, "the replica at \(name) could not be opened", underlying: error)
        }
        self.writer = writer
    }

    /// Closes the database; later calls fail.
    func close() throws {
        do { try writer.close() } catch {
            throw SyncClientError(.database, "the replica could not be closed", underlying: error)
        }
    }

    /// Runs `body` in one write transaction; database errors become ``SyncClientError`` `database`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.writing { try await writer.write(body) }
    }

    /// Runs `write`, turning a database error into ``SyncClientError`` `database` (a
    /// ``SyncClientError`` or a cancellation passes through).
    private static func writing<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error as SyncClientError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SyncClientError(.database, "the replica could not be written", underlying: error)
        }
    }

    /// Runs `body` in one write transaction committed with `PRAGMA synchronous = NORMAL` (the
    /// connection's own setting is restored afterwards), for pull pages only.
    ///
    /// In WAL mode a NORMAL commit skips the fsync of the WAL: an application crash loses nothing,
    /// a power loss or OS crash may roll back the last such transactions, whole. A pull page holds
    /// only what the server can send again, stored with its cursor, so such a rollback returns the
    /// replica to an earlier page and the next sync pulls the rest again (mutations it dropped as
    /// included come back and are answered from the server's stored answers). Local mutations are
    /// committed with the default (FULL), and each FULL commit makes every earlier frame durable.
    ///
    /// With `durable`, the page is committed like any other write (``write(_:)``).
    func writePage<T: Sendable>(durable: Bool = false, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard !durable else { return try await write(body) }
        return try await Self.writing {
            try await writer.writeWithoutTransaction { db in
                let previous = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 2
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                defer { try? db.execute(sql: "PRAGMA synchronous = \(previous)") }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw SyncClientError(.database, "the pull page's transaction returned nothing") }
                return result
            }
        }
    }

    /// Runs `body` on a read-only snapshot; database errors become ``SyncClientError`` `database`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let error as SyncClientError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SyncClientError(.database, "the replica could not be read", underlying: error)
        }
    }

    /// Every visible row of an entity, in key order.
    func rows(_ entity: SyncEntity) async throws -> [JSONValue] {
        try await read { db in try EntityTable.fetchAll(entity, db) }
    }

    /// One visible row, or `nil`.
    func row(_ ref: RowRef) async throws -> JSONValue? {
        try await read { db in try EntityTable.fetch(ref, db) }
    }

    /// The server's copy of a row, or `nil`.
    func serverRow(_ ref: RowRef) async throws -> JSONValue? {
        try await read { db in try ServerRow.fetch(ref, db) }
    }

    /// The visible rows of an entity now and after every committed change to them.
    ///
    /// The sequence throws when the database fails (``SyncClientError`` `database` for a row that
    /// does not decode, GRDB's `DatabaseError` otherwise) instead of ending quietly; it ends when
    /// the consumer stops iterating.
    func observe(_ entity: SyncEntity) -> AsyncValueObservation<[JSONValue]> {
        ValueObservation
            .tracking { db in try EntityTable.fetchAll(entity, db) }
            .removeDuplicates()
            .values(in: writer, bufferingPolicy: .bufferingNewest(1))
    }
}
