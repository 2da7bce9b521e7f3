import ArgumentParser
import CommandLineSupport
import EventStore
import Projections

/// `synccli projections reset NAME --yes`: empty the live tables and start from the beginning.
struct ProjectionsResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Empty a projection's live tables and move its checkpoint to the start of the log (needs --yes).",
        discussion: """
            In one transaction: drops and recreates the live tables (with the code's current version), grants
            the analyst roles again and points the checkpoint at the start of the log. Readers then see EMPTY
            tables until the runner (`synccli serve` or `synccli projections run`) has caught up again. To
            rebuild without that gap, use `synccli projections rebuild NAME` instead.

            Examples:
              synccli projections reset notifications --yes
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The projection to reset.")
    var name: String

    @Flag(help: "Confirm: readers see empty tables until the runner catches up.")
    var yes = false

    func validate() throws {
        try KnownProjections.validate(name)
        guard yes else {
            throw ValidationError(
                "reset empties the live tables of '\(name)': readers see empty tables until the runner catches up. Pass --yes to go ahead, or use `synccli projections rebuild \(name)` to rebuild without the gap."
            )
        }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.projections")
        let name = name
        try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-projections", logger: logger) { store in
                try await KnownProjections.requireSetUp(client: store.client, logger: logger)
                try await ProjectionAdmin(projections: KnownProjections.all, client: store.client, logger: logger).reset(name)
            }
        }
        print(
            "reset \(name): live tables emptied, checkpoint at the start of the log; the runner (`synccli serve` or `synccli projections run`) fills them again"
        )
    }
}
