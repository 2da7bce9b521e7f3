import EventStore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A prepared database that test databases are copied from (`CREATE DATABASE … TEMPLATE`), so a
/// test starts from a migrated schema without running the migrations itself.
///
/// Each template is made once per test process, the first time a test asks for it, under the name
/// `tmpl_<unix time>_<pid>_<name>`: `prepare` runs on a new empty database, which is then closed
/// to connections (PostgreSQL copies a database only while no session is connected to it). The
/// templates of processes that no longer run are dropped when the next process makes its first
/// template, and `scripts/test.sh` drops them when its run ends.
///
/// The `name` identifies the content: two templates with one name are one template.
public struct DatabaseTemplate: Sendable {
    /// Lower-case letters, digits and `_`; part of the template database's name.
    public let name: String
    let prepare: @Sendable (DatabaseURL) async throws -> Void

    /// A template called `name`, made by running `prepare` on a new, empty database.
    public init(_ name: String, prepare: @escaping @Sendable (DatabaseURL) async throws -> Void) {
        self.name = name
        self.prepare = prepare
    }

    /// A template with the event store's migrations and `migrations` applied.
    public static func migrated(_ name: String, _ migrations: [Migration]) -> DatabaseTemplate {
        DatabaseTemplate(name) { url in
            _ = try await withStore(url: url, maximumConnections: 2, applicationName: "tidemark-test-template") { store in
                try await store.migrate(additional: migrations)
            }
        }
    }

    /// The event store's migrations only: what ``withFreshStore(configuration:template:maximumConnections:applicationName:_:)`` starts from.
    public static let eventStore = DatabaseTemplate.migrated("eventstore", [])
}

/// The template databases of this process: one task per template name, so concurrent tests wait
/// for one preparation instead of each making its own.
enum TemplateRegistry {
    /// `<unix time>_<pid>`: names this process's templates and tells later processes whose they are.
    static let processTag = "\(Int(Date().timeIntervalSince1970))_\(getpid())"
    private static let tasks = Mutex<[String: Task<String, any Error>]>([:])

    /// The name of the template database for `template`, made on the server of `base` if this
    /// process has not made it yet. A failed preparation is not kept: the next test tries again.
    static func database(for template: DatabaseTemplate, base: DatabaseURL) async throws -> String {
        let (task, isFirst) = tasks.withLock { tasks -> (Task<String, any Error>, Bool) in
            if let task = tasks[template.name] { return (task, false) }
            let first = tasks.isEmpty
            let task = Task { try await make(template, base: base, collectGarbage: first) }
            tasks[template.name] = task
            return (task, true)
        }
        do {
            return try await task.value
        } catch {
            if isFirst { _ = tasks.withLock { $0.removeValue(forKey: template.name) } }
            throw error
        }
    }

    private static func make(_ template: DatabaseTemplate, base: DatabaseURL, collectGarbage: Bool) async throws -> String {
        let admin = TestAdmin(base: base)
        if collectGarbage { try await admin.dropTemplatesOfEndedProcesses() }
        let name = "tmpl_\(processTag)_\(template.name)"
        try await admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
        try await admin.execute("CREATE DATABASE \"\(name)\"")
        do {
            try await template.prepare(base.withDatabase(name))
            // No session may be connected while the template is copied: refuse new ones, then end
            // what the preparation left behind (pool connections close asynchronously).
            try await admin.execute("ALTER DATABASE \"\(name)\" WITH ALLOW_CONNECTIONS false")
            try await admin.disconnectEveryone(from: name)
        } catch {
            try? await admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
            throw error
        }
        return name
    }
}

/// Lets (or no longer lets) new connections into `database` on the server `DATABASE_URL` names,
/// through a connection to that base database; connections already open stay open. For tests of
/// what happens while a database is unreachable.
///
/// - Throws: ``TestFailure`` for a name other than letters, digits and `_` (an identifier cannot be
///   a bound parameter).
public func setConnectionsAllowed(_ allowed: Bool, to database: String) async throws {
    guard database.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { throw TestFailure("odd database name \(database)") }
    try await TestAdmin(base: try DatabaseURL.fromEnvironment()).execute("ALTER DATABASE \"\(database)\" WITH ALLOW_CONNECTIONS \(allowed)")
}

/// Ends every session connected to `database` and waits until none is left (at most 10 s).
public func endConnections(to database: String) async throws {
    try await TestAdmin(base: try DatabaseURL.fromEnvironment()).disconnectEveryone(from: database)
}

/// One-statement administration on the server's maintenance connection (the database of `DATABASE_URL`).
struct TestAdmin: Sendable {
    let base: DatabaseURL

    var logger: Logger {
        var logger = Logger(label: "tidemark-test-admin")
        logger.logLevel = .error
        return logger
    }

    /// Runs `body` on one new connection to `base`.
    func withConnection<Result: Sendable>(_ body: @Sendable (PostgresConnection, Logger) async throws -> Result) async throws -> Result {
        let logger = self.logger
        let client = PostgresClient(
            configuration: base.clientConfiguration(maximumConnections: 1, applicationName: "tidemark-test-admin"), backgroundLogger: logger
        )
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            let (started, signal) = AsyncStream.makeStream(of: Void.self)
            group.addTask {
                signal.finish()
                await client.run()
                return nil
            }
            for await _ in started {}
            defer { group.cancelAll() }
            return try await client.withConnection { connection in try await body(connection, logger) }
        }
    }

    /// Runs one statement of constant text (identifiers cannot be bound; callers build them from
    /// validated names).
    func execute(_ sql: String) async throws {
        try await withConnection { connection, logger in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// Ends every session connected to `database` and waits until none is left (at most 10 s).
    func disconnectEveryone(from database: String) async throws {
        try await withConnection { connection, logger in
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                var left = 0
                let rows = try await connection.query(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = \(database) AND pid <> pg_backend_pid()",
                    logger: logger
                )
                for try await count in rows.decode(Int.self) { left = count }
                if left == 0 { return }
                guard ContinuousClock.now < deadline else {
                    throw TestFailure("\(left) session(s) stayed connected to the template \(database)")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Drops the templates of test processes that no longer run on this machine, and any older
    /// than a day.
    func dropTemplatesOfEndedProcesses() async throws {
        let names = try await withConnection { connection, logger in
            var names: [String] = []
            let rows = try await connection.query("SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\\_%'", logger: logger)
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
        let now = Int(Date().timeIntervalSince1970)
        for name in names {
            let parts = name.split(separator: "_")
            guard parts.count >= 4, let created = Int(parts[1]), let pid = Int32(parts[2]) else { continue }
            let ended = pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
            if ended || now - created > 86_400 {
                try? await execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
            }
        }
    }
}
