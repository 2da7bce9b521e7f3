import Logging
import PostgresNIO

/// Applies versioned migrations, once, in order, safely from several processes at a time.
///
/// The whole run happens in one transaction that first takes a transaction-scoped advisory lock,
/// so concurrent runs queue behind each other and the second finds nothing left to do. A database
/// that records a version higher than any this build knows is refused.
public struct Migrator: Sendable {
    /// The advisory lock key that serializes migration runs (`'tidemark'` in ASCII).
    public static let advisoryLockKey: Int64 = 0x7469_6465_6D61_726B

    /// The migrations this migrator knows. Components apply in the order of their first
    /// appearance here, each in version order, so a component may alter tables of one listed
    /// before it.
    public let migrations: [Migration]

    /// Creates a migrator.
    /// - Parameter migrations: The known migrations of every component.
    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Applies every missing migration.
    /// - Parameters:
    ///   - client: A running `PostgresClient`.
    ///   - logger: Receives one line per applied migration.
    /// - Returns: What was applied and the resulting versions.
    /// - Throws: ``EventStoreError/Code/databaseNewerThanCode`` when the database is ahead of this build;
    ///   ``EventStoreError/Code/migrationFailed`` when a statement fails (nothing of the run is kept).
    @discardableResult
    public func migrate(client: PostgresClient, logger: Logger) async throws(EventStoreError) -> MigrationReport {
        try validate()
        let known = migrations
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS tidemark_migrations (
                        component  text        NOT NULL,
                        version    integer     NOT NULL,
                        name       text        NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (component, version)
                    )
                    """,
                    logger: logger
                )
                var recorded: [String: Int] = [:]
                let rows = try await connection.query(
                    "SELECT component, max(version) FROM tidemark_migrations GROUP BY component", logger: logger
                )
                for try await (component, version) in rows.decode((String, Int).self) {
                    recorded[component] = version
                }
                let knownMax = Dictionary(known.map { ($0.component, $0.version) }, uniquingKeysWith: max)
                for (component, version) in recorded.sorted(by: { $0.key < $1.key }) {
                    let mine = knownMax[component] ?? 0
                    if version > mine {
                        throw EventStoreError(
                            .databaseNewerThanCode,
                            "the database has \(component) migration \(version), but this build knows only up to \(mine); run a newer build of Tidemark"
                        )
                    }
                }
                var applied: [Migration] = []
                var rank: [String: Int] = [:]
                for migration in known where rank[migration.component] == nil { rank[migration.component] = rank.count }
                let pending =
                    known
                    .filter { $0.version > (recorded[$0.component] ?? 0) }
                    .sorted { (rank[$0.component] ?? 0, $0.version) < (rank[$1.component] ?? 0, $1.version) }
                for migration in pending {
                    for statement in migration.statements {
                        do {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        } catch {
                            var failure = EventStoreError(
                                .migrationFailed,
                                "migration \(migration.component) \(migration.version) (\(migration.name)) failed; nothing was applied",
                                underlying: SendableErrorBox(error)
                            )
                            failure.stream = nil
                            throw failure
                        }
                    }
                    try await connection.query(
                        "INSERT INTO tidemark_migrations (component, version, name) VALUES (\(migration.component), \(migration.version), \(migration.name))",
                        logger: logger
                    )
                    logger.info(
                        "applied migration",
                        metadata: [
                            "migration.component": "\(migration.component)",
                            "migration.version": "\(migration.version)",
                            "migration.name": "\(migration.name)",
                        ])
                    applied.append(migration)
                    recorded[migration.component] = migration.version
                }
                return MigrationReport(applied: applied, versions: recorded)
            }
        } catch let error as PostgresTransactionError {
            throw EventStoreError.database(error.closureError ?? error.beginError ?? error.commitError ?? error, while: "migrating")
        } catch {
            throw EventStoreError.database(error, while: "migrating")
        }
    }

    /// Checks that each component's versions run 1, 2, 3… without gaps or duplicates.
    func validate() throws(EventStoreError) {
        let byComponent = Dictionary(grouping: migrations, by: \.component)
        for (component, list) in byComponent {
            let versions = list.map(\.version).sorted()
            guard versions == Array(1...versions.count) else {
                throw EventStoreError(.migrationFailed, "the \(component) migrations are not numbered 1…n without gaps: \(versions)")
            }
        }
    }
}
