import Logging
import PostgresNIO

/// Keeps the analyst roles' `SELECT` grants on the live read tables.
///
/// Default privileges do not follow a table that a rebuild moves into `read`, so every swap and
/// every first-time set-up grants explicitly to each role recorded in `analyst_roles`.
enum AnalystGrants {
    /// Grants `SELECT` on `read.<table>` for each of `tables` to every analyst role, in the caller's transaction.
    static func grantAll(tables: [String], on connection: PostgresConnection, logger: Logger) async throws {
        var roles: [String] = []
        for try await role in try await connection.query("SELECT role FROM analyst_roles ORDER BY role", logger: logger).decode(String.self) {
            roles.append(role)
        }
        for role in roles where ReadTable.isIdentifier(role) {
            for table in tables where ReadTable.isIdentifier(table) {
                _ = try await connection.query(PostgresQuery(unsafeSQL: "GRANT SELECT ON read.\(table) TO \(role)"), logger: logger)
            }
        }
    }
}
