import ArgumentParser
import CommandLineSupport
import EventStore
import Projections

/// `synccli projections retry NAME`: clear a failure so the runner applies the failed event again.
struct ProjectionsRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Clear a failed projection's error so its runner tries the failed event again.",
        discussion: """
            Use it after fixing what made the event fail (deployed code, a database problem). Fails (exit 1,
            invalid_state) when the projection has not failed. Recorded in projection_audit.

            Examples:
              synccli projections retry orders
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The failed projection.")
    var name: String

    func validate() throws {
        try KnownProjections.validate(name)
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.projections")
        let name = name
        let failure = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-projections", logger: logger) { store in
                try await KnownProjections.requireSetUp(client: store.client, logger: logger)
                let admin = ProjectionAdmin(projections: KnownProjections.all, client: store.client, logger: logger)
                let failure = try await admin.status(of: name).first?.failure
                try await admin.retry(name)
                return failure
            }
        }
        if let failure {
            print("retrying \(name): its runner applies \(failure.eventType) at \(failure.position) again (it failed with: \(failure.error.prefix(200)))")
        } else {
            print("retrying \(name): its runner applies the failed event again")
        }
    }
}
