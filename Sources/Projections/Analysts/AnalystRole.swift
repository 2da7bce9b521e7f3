import EventStore
import Logging
import PostgresNIO

/// A read-only PostgreSQL role for analysts: it may select the `read` schema and nothing else.
///
/// It cannot read the event log, the command log, credentials or the projections' bookkeeping
/// (all in `public`, never granted), and every session it opens is read-only.
public enum AnalystRole {
    /// The default role name.
    public static let defaultName = "tidemark_analyst"

    /// Creates the role if missing (optionally with a password), and grants it `SELECT` on every
    /// table of `read` in the connected database, now and after every rebuild.
    ///
    /// - Parameters:
    ///   - name: A lower-case identifier (letters, digits, `_`).
    ///   - password: A login password; `nil` keeps the current one (or none).
    /// - Throws: ``ProjectionError`` `invalidState` for a bad name, `database` when PostgreSQL refuses.
    public static func ensure(name: String = defaultName, password: String? = nil, client: PostgresClient, logger: Logger) async throws(ProjectionError) {
        guard ReadTable.isIdentifier(name), !name.hasPrefix("pg_") else {
            throw ProjectionError(.invalidState, "'\(name)' is not a valid role name: use lower-case letters, digits and _, not starting with pg_")
        }
        do {
            try await client.withConnection { connection in
                do {
                    _ = try await connection.query(
                        PostgresQuery(unsafeSQL: "CREATE ROLE \(name) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"), logger: logger)
                } catch let error as PSQLError where error.sqlState == .duplicateObject || error.sqlState == .uniqueViolation {
                    // Already there (roles are cluster-wide; another database may have created it).
                }
                if let password {
                    var statement = ""
                    for try await text in try await connection.query(
                        "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', \(name)::text, \(password)::text)", logger: logger
                    ).decode(String.self) { statement = text }
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await connection.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(name) SET default_transaction_read_only = on"), logger: logger)
                try await ProjectionCatalog.inTransaction(on: connection, logger: logger) {
                    var database = ""
                    for try await text in try await connection.query("SELECT format('%I', current_database())", logger: logger).decode(String.self) {
                        database = text
                    }
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "GRANT CONNECT ON DATABASE \(database) TO \(name)"), logger: logger)
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "GRANT USAGE ON SCHEMA read TO \(name)"), logger: logger)
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "GRANT SELECT ON ALL TABLES IN SCHEMA read TO \(name)"), logger: logger)
                    _ = try await connection.query("INSERT INTO analyst_roles (role) VALUES (\(name)) ON CONFLICT DO NOTHING", logger: logger)
                }
            }
        } catch let error as ProjectionError {
            throw error
        } catch {
            throw ProjectionError.database(error, while: "creating the analyst role '\(name)'")
        }
    }
}
