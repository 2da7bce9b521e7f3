import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `synccli bench append`: raw INSERTs against the event store's append.
struct BenchAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Raw INSERTs into a plain table vs the event store's append, at several writer counts and batch sizes."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Comma-separated concurrent writer counts.")
    var writers: String = "1,8,32"

    @Option(help: "Comma-separated events per transaction.")
    var batches: String = "1,100"

    @Option(help: "Seconds to measure each side of each case.")
    var seconds: Double = 5

    @Option(
        help:
            "Slices each side's time is cut into; the sides take turns slice by slice (raw, store, uncoalesced, raw, …), so drift on the machine (checkpoints, neighbours) falls on all of them alike."
    )
    var rounds: Int = 4

    @Option(help: "Database to (re)create for the benchmark (default: <database>_bench).")
    var benchDatabase: String?

    @Option(
        help:
            "Append statements in flight at once; concurrent appends beyond that share statements (the store's default is 4). Every case also runs with coalescing off."
    )
    var appendStatements: Int = EventStoreConfiguration().appendStatements

    @Option(help: "Append statements that may be in flight whatever they carry (see EventStoreConfiguration.appendStatementsAnySize).")
    var appendAnySize: Int = EventStoreConfiguration().appendStatementsAnySize

    @Option(help: "The fewest events of a further append statement beyond those (see EventStoreConfiguration.appendStatementMinEvents).")
    var appendMinEvents: Int = EventStoreConfiguration().appendStatementMinEvents

    @Option(help: "Events in flight under which a further append statement may start (see EventStoreConfiguration.appendEventsInFlight).")
    var appendEvents: Int = EventStoreConfiguration().appendEventsInFlight

    @Option(help: "The most events one coalesced statement carries (see EventStoreConfiguration.maxCoalescedEvents).")
    var coalescedEvents: Int = EventStoreConfiguration().maxCoalescedEvents

    @Flag(help: "End with one JSON line: {\"results\":[…]}.")
    var json = false

    func parsedList(_ text: String, name: String) throws -> [Int] {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1000 }) else {
            throw ValidationError("--\(name) must be comma-separated integers 1-1000")
        }
        return values.compactMap { $0 }
    }

    func validate() throws {
        _ = try parsedList(writers, name: "writers")
        _ = try parsedList(batches, name: "batches")
        guard seconds >= 0.5, seconds <= 600 else { throw ValidationError("--seconds must be 0.5-600") }
        guard (1...1000).contains(appendStatements) else { throw ValidationError("--append-statements must be 1-1000") }
        guard (1...1000).contains(appendAnySize) else { throw ValidationError("--append-any-size must be 1-1000") }
        guard (1...100_000).contains(appendMinEvents) else { throw ValidationError("--append-min-events must be 1-100000") }
        guard (1...1_000_000).contains(appendEvents) else { throw ValidationError("--append-events must be 1-1000000") }
        guard (1...100_000).contains(coalescedEvents) else { throw ValidationError("--coalesced-events must be 1-100000") }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1-100") }
        guard seconds / Double(rounds) >= 0.25 else { throw ValidationError("--seconds / --rounds must be at least 0.25 s per slice") }
    }

    func run() async throws {
        let base = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.bench")
        let benchmark = AppendBenchmark(
            writerCounts: try parsedList(writers, name: "writers"),
            batchSizes: try parsedList(batches, name: "batches"),
            seconds: seconds,
            rounds: rounds,
            appendStatements: appendStatements,
            appendAnySize: appendAnySize,
            appendMinEvents: appendMinEvents,
            appendEvents: appendEvents,
            coalescedEvents: coalescedEvents,
            logger: logger
        )
        let name = benchDatabase ?? "\(base.database)_bench"
        let results = try await CLIFailure.reporting {
            try await benchmark.run(base: base, databaseName: name)
        }
        print(AppendBenchmark.table(results))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(AppendBenchmark.Report(results: results)), as: UTF8.self))
        }
    }
}
