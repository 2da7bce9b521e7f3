import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Outbox
import SyncServer

/// `synccli push …`: the push outbox.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Inspect and steer push delivery (the outbox, paused channels).",
        subcommands: [PushStatusCommand.self, PushRetryCommand.self, PushResumeCommand.self, PushPruneCommand.self]
    )

    /// Runs `body` with the outbox of the database `global` names, after checking it was migrated;
    /// failures are reported the way every verb reports them.
    static func withOutbox<Result: Sendable>(
        _ global: GlobalOptions, _ body: @escaping @Sendable (PushOutbox) async throws -> Result
    ) async throws -> Result {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.push")
        return try await CLIFailure.reporting {
            // Three connections: the store's LISTEN connection keeps one for itself.
            try await EventStore.withRunning(url: url, maximumConnections: 3, applicationName: "synccli-push", logger: logger) { store in
                let outbox = PushOutbox(client: store.client, logger: logger)
                try await outbox.requireTables()
                return try await body(outbox)
            }
        }
    }
}
