import Logging
import PostgresNIO

/// Creates and drops whole databases on the server a ``DatabaseURL`` names (tests, benchmarks).
public struct DatabaseAdmin: Sendable {
    /// The server (its database is used for the admin connection).
    public let url: DatabaseURL
    let logger: Logger

    /// Creates an admin for the server of `url`.
    public init(url: DatabaseURL, logger: Logger = Logger(label: "tidemark-admin")) {
        self.url = url
        self.logger = logger
    }

    /// Creates database `name` when it does not exist.
    /// - Throws: `invalidArgument` for a name that is not lower-case letters, digits and `_`.
    public func createDatabase(_ name: String) async throws {
        try Self.validate(name)
        let logger = self.logger
        try await withConnection { connection in
            let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                // Identifiers cannot be bound; the name was validated above.
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
            }
        }
    }

    /// Drops database `name` (closing its connections) when it exists.
    public func dropDatabase(_ name: String) async throws {
        try Self.validate(name)
        let logger = self.logger
        try await withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"), logger: logger)
        }
    }

    static func validate(_ name: String) throws(EventStoreError) {
        let ok =
            (1...63).contains(name.utf8.count)
            && name.utf8.allSatisfy {
                ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95
            }
        guard ok else {
            throw EventStoreError(.invalidArgument, "database name '\(name)' must be 1-63 lower-case letters, digits or '_'")
        }
    }

    func withConnection(_ body: @Sendable (PostgresConnection) async throws -> Void) async throws {
        let logger = self.logger
        try await DatabaseURL.withClient(url: url, maximumConnections: 1, applicationName: "tidemark-admin", logger: logger) { client in
            try await client.withConnection { connection in try await body(connection) }
        }
    }
}

extension DatabaseURL {
    /// Opens and closes one connection, failing within `timeout` when the server cannot be reached,
    /// so command-line tools can say so at once instead of waiting for the pool's retries.
    /// - Throws: ``EventStoreError/Code/database`` with a message naming the server.
    public func checkReachable(timeout: Duration = .seconds(5)) async throws(EventStoreError) {
        var quiet = Logger(label: "tidemark-preflight")
        quiet.logLevel = .error
        let logger = quiet
        let url = self
        let outcome = await Deadline.run(timeout: timeout + .seconds(1)) { () async -> String? in
            do {
                _ = try await DatabaseURL.withClient(
                    url: url, maximumConnections: 1, applicationName: "tidemark-preflight", connectTimeout: timeout, logger: logger
                ) { client in
                    try await client.query("SELECT 1", logger: logger)
                }
                return nil
            } catch {
                return String(reflecting: error)
            }
        }
        switch outcome {
        case .some(.none):
            return
        case .some(.some(let failure)):
            throw EventStoreError(.database, "cannot connect to \(url)", underlying: SendableErrorBox(PreflightFailure(description: failure)))
        case .none:
            throw EventStoreError(.database, "cannot connect to \(url) within \(timeout)")
        }
    }
}

/// Why a preflight connection failed.
struct PreflightFailure: Error, CustomStringConvertible {
    var description: String
}
