import EventStore
import Foundation
import PostgresNIO

/// A database for one test, on the server `DATABASE_URL` names.
///
/// Under `make test` `DATABASE_URL` is always set; when it is not, the private development database
/// is used. A server that cannot be reached is a test failure, never a silent skip.
public struct TestDatabase: Sendable {
    /// The URL of the database.
    public let url: DatabaseURL

    /// Creates a new, empty database named `<prefix>_<random>`: for tests of the migrations
    /// themselves, and of what happens on a database that was never migrated.
    public static func create(prefix: String = "t") async throws -> TestDatabase {
        let base = try DatabaseURL.fromEnvironment()
        let name = newName(prefix)
        try await DatabaseAdmin(url: base).createDatabase(name)
        return TestDatabase(url: base.withDatabase(name))
    }

    /// Creates a new database named `<prefix>_<random>` as a copy of `template`, which is made
    /// first if this process has not made it yet.
    public static func create(prefix: String = "t", from template: DatabaseTemplate) async throws -> TestDatabase {
        let base = try DatabaseURL.fromEnvironment()
        let source = try await TemplateRegistry.database(for: template, base: base)
        let name = newName(prefix)
        let admin = TestAdmin(base: base)
        // A template is copied while no session is connected to it. Its own sessions are gone
        // before it is handed out; retry in case a stray one (a monitoring tool) looks in.
        var attempt = 1
        while true {
            do {
                try await admin.execute("CREATE DATABASE \"\(name)\" TEMPLATE \"\(source)\"")
                return TestDatabase(url: base.withDatabase(name))
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 5 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    /// Drops the database, closing its connections.
    public func drop() async throws {
        try await DatabaseAdmin(url: try DatabaseURL.fromEnvironment()).dropDatabase(url.database)
    }

    /// `<prefix>_<16 hex digits>`.
    static func newName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
    }
}
