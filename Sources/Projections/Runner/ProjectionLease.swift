import EventStore
import Foundation
import Logging
import PostgresNIO

/// A PostgreSQL advisory-lock lease held by one dedicated connection.
///
/// The lock is a session lock: it lasts exactly as long as the connection. When the holder's
/// process dies or its connection is terminated, PostgreSQL releases the lock at once and a
/// standby's next `pg_try_advisory_lock` succeeds. Whoever holds the lease does its writes on the
/// same connection, so a lost lease can never be followed by a successful write.
struct ProjectionLease {
    /// What the lease guards.
    enum Purpose: Int32 {
        /// Applying new events to the live tables.
        case live = 0x7464_0001
        /// Building a shadow copy.
        case rebuild = 0x7464_0002
        /// Creating, swapping or resetting live tables (a transaction-level lock, key 0).
        case catalog = 0x7464_0003
    }

    let connection: PostgresConnection
    let purpose: Purpose
    let name: String

    /// Opens a dedicated connection for a lease on `name`.
    static func connect(to database: DatabaseURL, purpose: Purpose, name: String, logger: Logger) async throws -> ProjectionLease {
        // The process id in the name tells an operator (and the failover drills) which process holds
        // which lease: `pg_locks` joined with `pg_stat_activity` on `pid`.
        let process = ProcessInfo.processInfo.processIdentifier
        let configuration = try database.connectionConfiguration(applicationName: "tidemark-projection-\(name)@\(process)")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger)
        return ProjectionLease(connection: connection, purpose: purpose, name: name)
    }

    /// Tries once to take the lock; `true` when this connection now holds it.
    func tryAcquire(logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(\(purpose.rawValue), hashtext(\(name)))", logger: logger
        )
        for try await held in rows.decode(Bool.self) { return held }
        return false
    }

    /// Releases the lock, then closes the connection.
    ///
    /// The lock is released by a statement first: a backend frees its locks only while it exits,
    /// after `close()` has returned, so `projections status` read right after a stopped rebuild
    /// would still show it as running. A connection the server already closed (terminated backend)
    /// is left alone: closing it again can wait forever for a reply that will not come.
    func close(logger: Logger) async {
        guard !connection.isClosed else { return }
        let connection = connection
        _ = await Deadline.run(timeout: .seconds(2)) {
            if let rows = try? await connection.query("SELECT pg_advisory_unlock_all()", logger: logger) {
                _ = try? await rows.collect()
            }
            try? await connection.close()
        }
    }

    /// The backend holding the lease on `name`, if any: its process id and application name.
    static func holder(of name: String, purpose: Purpose, on connection: PostgresConnection, logger: Logger) async throws -> (pid: Int32, application: String)?
    {
        let rows = try await connection.query(
            """
            SELECT a.pid, coalesce(a.application_name, '') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::int8 = \(Int64(purpose.rawValue)) AND l.objid::int8 = (hashtext(\(name))::int8 & 4294967295) AND l.objsubid = 2
            """,
            logger: logger
        )
        for try await (pid, application) in rows.decode((Int32, String).self) { return (pid, application) }
        return nil
    }
}
