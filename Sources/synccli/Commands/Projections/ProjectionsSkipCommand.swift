import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Projections

/// `synccli projections skip NAME`: skip the event that stopped a projection.
struct ProjectionsSkipCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skip",
        abstract: "Skip the event that stopped a failed projection, and print it.",
        discussion: """
            The checkpoint moves past the failed event and the runner goes on with the next one; the skipped
            event's effect is missing from the read tables until a rebuild applies it (after a fix). Fails
            (exit 1, invalid_state) when the projection has not failed. Recorded in projection_audit.

            Examples:
              synccli projections skip orders
              synccli projections skip orders --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The failed projection.")
    var name: String

    @Flag(help: "Print the skipped event as one JSON object.")
    var json = false

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
                return try await ProjectionAdmin(projections: KnownProjections.all, client: store.client, logger: logger).skip(name)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(failure), as: UTF8.self))
        } else {
            print("skipped \(failure.eventType) at \(failure.position) (event \(failure.eventID?.uuidString.lowercased() ?? "?")) in \(name)")
            print("  it had failed with: \(failure.error.replacingOccurrences(of: "\n", with: " ").prefix(500))")
            print("  its effect is missing from the read tables; `synccli projections rebuild \(name)` after a fix applies it")
        }
    }
}
