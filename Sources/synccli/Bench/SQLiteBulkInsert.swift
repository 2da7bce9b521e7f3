import CommandLineSupport
import Foundation
import GRDB

/// The baseline of `bench sync`'s initial sync on the client side: SQLite's own bulk insert of the
/// same rows, as fast as SQLite goes without any protocol around it.
enum SQLiteBulkInsert {
    /// Seconds to insert `rows` (key and JSON text) into a fresh file at `path` (WAL, as the
    /// replica): one table `(key TEXT PRIMARY KEY, data TEXT)`, one transaction, one prepared
    /// statement. The file is removed afterwards.
    static func measure(_ rows: [(key: String, json: String)], path: String) throws -> Double {
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        do {
            let pool = try DatabasePool(path: path)
            try pool.write { db in try db.execute(sql: "CREATE TABLE rows (key TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL)") }
            let start = ContinuousClock.now
            try pool.write { db in
                let statement = try db.makeStatement(sql: "INSERT INTO rows (key, data) VALUES (?, ?)")
                for row in rows { try statement.execute(arguments: [row.key, row.json]) }
            }
            let elapsed = ContinuousClock.now - start
            try pool.close()
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        } catch {
            throw CLIFailure(.benchmarkFailed, "the SQLite bulk insert baseline failed: \(error)")
        }
    }
}
