import ArgumentParser
import EventStore
import Foundation

/// `synccli events …`: inspect the event log.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Inspect, seal, verify, export and import the event log.",
        subcommands: [
            EventsStatusCommand.self, EventsListCommand.self, EventsStreamCommand.self, EventsSealCommand.self, EventsVerifyCommand.self,
            EventsExportCommand.self, EventsImportCommand.self,
        ]
    )
}
