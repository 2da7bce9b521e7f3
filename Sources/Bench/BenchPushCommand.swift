import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `tidemark-bench push`: outbox → dispatchers → APNs provider → local APNs stand-in.
struct BenchPushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push deliveries per second to a local APNs stand-in over HTTP/2, against the provider alone and a bare SQL queue.",
        discussion: """
            In a fresh database (<database>_bench_push by default, dropped and created anew): starts the \
            APNs stand-in (HTTP/2 over TLS on loopback, verifying every JWT and header) in this process, \
            registers --devices APNs devices (20 per user), runs the push outbox projection, publishes one \
            announcement to the tenant and times --dispatchers dispatchers sending every delivery through \
            the real APNs provider (connections reused). In the same run it measures the same sends \
            through the provider with no database, and a bare SQL claim-and-mark queue with no sending, \
            and prints both ratios.

            Build with -c release for meaningful figures (`make bench-push`).

            Examples:
              tidemark-bench push
              tidemark-bench push --devices 2000 --json | tail -1 | jq .deliveries_per_s
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "APNs devices to register and deliver to (20-100000).")
    var devices: Int = 10_000

    @Option(help: "Dispatchers sending at once (1-16).")
    var dispatchers: Int = 2

    @Option(help: "Sends in flight per dispatcher (1-1000).")
    var concurrency: Int = 256

    @Option(help: "Deliveries each dispatcher claims per round (1-5000).")
    var batchSize: Int = 1000

    @Option(help: "Database to (re)create for the benchmark (default: <database>_bench_push).")
    var benchDatabase: String?

    @Flag(
        help: "End with one JSON line: {devices, deliveries, seconds, deliveries_per_s, raw_provider_per_s, provider_ratio, raw_queue_per_s, queue_ratio, …}.")
    var json = false

    func validate() throws {
        guard (20...100_000).contains(devices) else { throw ValidationError("--devices must be 20-100000") }
        guard (1...16).contains(dispatchers) else { throw ValidationError("--dispatchers must be 1-16") }
        guard (1...1000).contains(concurrency) else { throw ValidationError("--concurrency must be 1-1000") }
        guard (1...5000).contains(batchSize) else { throw ValidationError("--batch-size must be 1-5000") }
    }

    func run() async throws {
        let base = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "tidemark-bench.push")
        let benchmark = PushBenchmark(devices: devices, dispatchers: dispatchers, concurrency: concurrency, batchSize: batchSize, logger: logger)
        let name = benchDatabase ?? "\(base.database)_bench_push"
        let report = try await CLIFailure.reporting {
            try await benchmark.run(base: base, databaseName: name) { line in
                FileHandle.standardError.write(Data("bench push: \(line)\n".utf8))
            }
        }
        print(
            """
            push          \(report.deliveries) deliveries to \(report.devices) devices in \(report.seconds) s: \(Int(report.deliveries_per_s))/s \
            (target ≥ 3000/s) with \(report.dispatchers) dispatcher(s) × \(report.concurrency) in flight over \(report.stand_in_connections) HTTP/2 connection(s)
            fan-out       one announcement → \(report.devices) outbox rows in \(report.fanout_s) s; publish → all sent \(report.event_to_all_sent_s) s
            baselines     provider alone \(Int(report.raw_provider_per_s))/s (ratio \(report.provider_ratio)); \
            bare SQL queue \(Int(report.raw_queue_per_s))/s (ratio \(report.queue_ratio))
            """)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
