import ArgumentParser
import EventStore
import Foundation

/// `synccli events …`: inspect the event log.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Inspect the event log.",
        subcommands: [EventsStatusCommand.self, EventsListCommand.self, EventsStreamCommand.self]
    )
}

/// `synccli events status`: head, safe position and what holds readers back.
struct EventsStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the log head, the safe (gap-free) position and the open transactions that hold readers back.",
        discussion: "Exits with 3 when events wait behind a transaction older than --stall-after."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Seconds an open transaction may hold readers back before the log counts as stalled.")
    var stallAfter: Double = 10

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard stallAfter >= 0, stallAfter < 86_400 else { throw ValidationError("--stall-after must be 0-86400 seconds") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.events")
        let threshold = stallAfter
        let status = try await reportingFailures {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-status", logger: logger) { store in
                try await store.status(stallThreshold: .milliseconds(Int64(threshold * 1000)))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print("head            \(status.head)")
            print("safe position   \(status.safePosition)\(status.head == status.safePosition ? "  (readers can read everything)" : "")")
            print("behind horizon  \(status.eventsBehindHorizon) committed event(s) wait for older transactions")
            print("horizon xid     \(status.horizonTransactionID)")
            if status.openTransactions.isEmpty {
                print("open writers    none")
            } else {
                print("open writers (oldest first):")
                for tx in status.openTransactions {
                    let pid = tx.pid.map { "pid \($0)" } ?? "prepared"
                    let age = String(format: "%.1fs", tx.ageSeconds)
                    print("  \(pid)  xid \(tx.transactionID)  age \(age)  db \(tx.database ?? "?")  user \(tx.user ?? "?")  app \(tx.application ?? "")  state \(tx.state ?? "?")")
                    if let query = tx.query, !query.isEmpty { print("      last query: \(query.replacingOccurrences(of: "\n", with: " "))") }
                }
            }
            if status.stalled, let oldest = status.openTransactions.first {
                print("STALLED: readers have been held back by \(oldest.pid.map { "pid \($0)" } ?? "a prepared transaction") for \(String(format: "%.0f", oldest.ageSeconds)) s; end it (COMMIT/ROLLBACK) or `SELECT pg_terminate_backend(pid)`.")
            }
        }
        if status.stalled { throw ExitCode(3) }
    }
}

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
        let page = try await reportingFailures {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-events", logger: logger) { store in
                var start = LogPosition.start
                if let after, after > 0 {
                    guard let found = try await store.logPosition(ofEventAt: after) else {
                        throw EventStoreError(.invalidArgument, "no event has position \(after)")
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
        let events = try await reportingFailures {
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
