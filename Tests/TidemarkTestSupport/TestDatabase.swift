import EventStore
import Foundation

/// A fresh PostgreSQL database for one test suite, on the server `DATABASE_URL` names.
///
/// Under `make test` `DATABASE_URL` is always set; when it is not, the private development database
/// is used. A server that cannot be reached is a test failure, never a silent skip.
public struct TestDatabase: Sendable {
    /// The URL of the fresh database.
    public let url: DatabaseURL

    /// Creates a new, empty database named `<prefix>_<random>`.
    public static func create(prefix: String = "t") async throws -> TestDatabase {
        let base = try DatabaseURL.fromEnvironment()
        let name = "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
        try await DatabaseAdmin(url: base).createDatabase(name)
        return TestDatabase(url: base.withDatabase(name))
    }

    /// Drops the database, closing its connections.
    public func drop() async throws {
        try await DatabaseAdmin(url: try DatabaseURL.fromEnvironment()).dropDatabase(url.database)
    }
}
