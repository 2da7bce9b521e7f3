import ArgumentParser
import EventStore
import Foundation
import Projections

/// `synccli feed …`: the change feed that pull reads (`read_changes`).
struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Maintain the change feed that replicas pull from.",
        subcommands: [FeedPruneCommand.self]
    )
}
