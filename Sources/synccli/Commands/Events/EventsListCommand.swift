import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `synccli events list`: the whole log, gap-free, in log order.
struct EventsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List events of the whole log after a position, in log order (gap-free)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Start after this global position (default: the beginning).")
    var after: Int64?

    @Option(help: "Most events to print (1-10000).")
    var limit: Int = 50

    @Option(help: "Only events of this tenant.")
    var tenant: String?

    @Option(help: "Only events of this stream category (repeatable).")
    var category: [String] = []

    @Option(name: .customLong("type"), help: "Only events of this type (repeatable).")
    var types: [String] = []

    @Flag(help: "Print one JSON object per line, with data and metadata.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1-10000") }
        if let after, after < 0 { throw ValidationError("--after must be 0 or more") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.events")
        let filter = LogFilter(tenantID: tenant, categories: category.isEmpty ? nil : category, eventTypes: types.isEmpty ? nil : types)
        let (after, limit) = (after, limit)
        let page = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-events", logger: logger) { store in
                var start = LogPosition.start
                if let after, after > 0 {
                    guard let found = try await store.logPosition(ofEventAt: after) else {
                        throw CLIFailure(.notFound, "no event has position \(after)")
                    }
                    start = found
                }
                return try await store.readAll(after: start, limit: limit, filter: filter)
            }
        }
        EventPrinter(json: json).print(page.events)
        if !json { printError("\(page.events.count) event(s); continue with --after \(page.events.last?.position ?? after ?? 0)") }
    }
}
