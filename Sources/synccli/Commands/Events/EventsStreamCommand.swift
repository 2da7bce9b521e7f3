import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `synccli events stream NAME`: one stream's events.
struct EventsStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stream", abstract: "List the events of one stream.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The stream name, category-id.")
    var name: String

    @Option(help: "First version (forwards) or last version (backwards).")
    var from: Int64?

    @Flag(help: "Newest first.")
    var backwards = false

    @Option(help: "Most events to print (1-10000).")
    var limit: Int = 100

    @Flag(help: "Print one JSON object per line.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1-10000") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.events")
        let (name, from, backwards, limit) = (name, from, backwards, limit)
        let events = try await CLIFailure.reporting {
            let stream = try StreamName(name)
            return try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-events", logger: logger) { store in
                try await store.read(
                    stream: stream, from: from ?? (backwards ? .max : 1), direction: backwards ? .backwards : .forwards, limit: limit
                )
            }
        }
        EventPrinter(json: json).print(events)
    }
}
