import Foundation
import Logging
import PostgresNIO
import TidemarkTestSupport

/// One PostgreSQL connection of the standby-read tests to a node of the cluster, named by a
/// `postgres://user@host:port/database` URL of `scripts/cluster.sh env` (trust authentication,
/// no TLS, as the script sets it up).
struct StandbySQL: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs `body` with a connection to `url`, closed afterwards.
    static func with<Result: Sendable>(_ url: String, _ body: (StandbySQL) async throws -> Result) async throws -> Result {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw TestFailure("not a postgres URL: \(url)")
        }
        var logger = Logger(label: "standby-read-tests")
        logger.logLevel = .warning
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: String(components.path.drop { $0 == "/" }), tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        let sql = StandbySQL(connection: connection, logger: logger)
        do {
            let result = try await body(sql)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The first column of every row, as text (`NULL` as an empty string).
    func texts(_ query: PostgresQuery) async throws -> [String] {
        let rows = try await connection.query(query, logger: logger)
        var values: [String] = []
        for try await value in rows.decode(String?.self) { values.append(value ?? "") }
        return values
    }

    /// Runs a statement and drops its rows.
    func run(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }
}
