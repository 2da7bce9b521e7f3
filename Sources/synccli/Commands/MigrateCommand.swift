import ArgumentParser
import CommandLineSupport
import Commands
import EventStore
import SyncServer

/// `synccli migrate`: apply the database migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations (safe to run from several processes at once)."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.migrate")
        try await CLIFailure.reporting {
            let report = try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-migrate", logger: logger) { store in
                try await store.migrate(additional: TidemarkMigrations.all)
            }
            for migration in report.applied {
                print("applied \(migration.component) \(migration.version): \(migration.name)")
            }
            let versions = report.versions.sorted { $0.key < $1.key }.map { "\($0.key) v\($0.value)" }.joined(separator: ", ")
            print(report.applied.isEmpty ? "database \(url) is up to date (\(versions))" : "database \(url) now at \(versions)")
        }
    }
}
