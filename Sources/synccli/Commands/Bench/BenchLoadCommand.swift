import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `synccli bench load`: simulated devices against one server or a cluster, with a check of the
/// log for lost and duplicated mutations at the end.
struct BenchLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load test: many simulated devices pull, push and keep live sockets; ends with one JSON line.",
        discussion: """
            Creates a tenant with one user per two devices (and 8 notifications per user) through the command \
            service, then runs --devices simulated devices (a lean client speaking the sync protocol over HTTP). \
            Each signs in once, at its slot of a ramp-up of --ramp-seconds, opens a live WebSocket \
            (/v1/sync/live?access_token=…), and then repeats until the end: wait --interval-ms ± 50 %, pull until \
            has_more is false, push 1-5 mutations (todo.create, todo.edit, todo.complete, notification.read; an \
            unanswered push is retried unchanged next cycle), and with a 2 % chance reconnect the socket. The \
            measured window (--seconds) starts once every device has signed in.

            Without --target it drops and creates <database>_bench_load, starts this binary as `synccli serve` on \
            --port with its default limits, and reports that process's peak memory. With --target it drives that \
            URL (a server, or the HAProxy of `make cluster`) and prepares the users in the database of \
            --database-url/DATABASE_URL, which must be the target's; --server-pid names the processes whose peak \
            memory to add up.

            At the end every answered mutation is checked against the event log (lost, duplicated). Progress goes \
            to standard error every 10 s; the last line on standard output is the JSON figures: devices, seconds, \
            requests, errors, error_rate, push_p50_ms, push_p99_ms, pull_p99_ms, live_p99_ms, server_rss_mb, lost, \
            duplicated, and more. Build with -c release (`make bench-load`).

            Examples:
              synccli bench load --devices 500 --seconds 60
              synccli bench load --target http://127.0.0.1:8080 --timeline /tmp/load.jsonl
              scripts/plot-timeline.py /tmp/load.jsonl docs/images/load-timeline.svg
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Simulated devices (1-100000); two devices per user.")
    var devices: Int = 2000

    @Option(help: "Seconds of the measured window, after the ramp-up (1-86400).")
    var seconds: Int = 600

    @Option(help: "Mean think time between a device's cycles, in milliseconds (100-600000); each wait is drawn from half to 1.5 times it.")
    var intervalMs: Int = 10_000

    @Option(help: "Seconds over which the sign-ins are spread (0-3600; default: 10 sign-ins a second, --devices / 10).")
    var rampSeconds: Double?

    @Option(
        help: "Seconds between the last sign-in and the measured window (0-600), so that the window does not start with the queue the sign-ins left behind."
    )
    var warmupSeconds: Int = 30

    @Option(help: "Drive this server (an http:// or https:// URL) instead of starting one; its database must be --database-url's.")
    var target: String?

    @Option(help: "With --target: a server process whose peak memory counts in server_rss_mb (repeatable; same machine).")
    var serverPid: [Int32] = []

    @Option(help: "Port of the server the bench starts without --target (1024-65535).")
    var port: Int = 18_091

    @Option(help: "Database to (re)create without --target (default: <database>_bench_load).")
    var benchDatabase: String?

    @Option(help: "Write one JSON object per second of the run to this file (scripts/plot-timeline.py draws it).")
    var timeline: String?

    func validate() throws {
        guard (1...100_000).contains(devices) else { throw ValidationError("--devices must be 1-100000") }
        guard (1...86_400).contains(seconds) else { throw ValidationError("--seconds must be 1-86400") }
        guard (100...600_000).contains(intervalMs) else { throw ValidationError("--interval-ms must be 100-600000") }
        if let rampSeconds, !(0...3600).contains(rampSeconds) { throw ValidationError("--ramp-seconds must be 0-3600") }
        guard (0...600).contains(warmupSeconds) else { throw ValidationError("--warmup-seconds must be 0-600") }
        guard (1024...65_535).contains(port) else { throw ValidationError("--port must be 1024-65535") }
        if let target {
            guard let url = URL(string: target), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false,
                url.query == nil, url.fragment == nil
            else { throw ValidationError("--target must be an http:// or https:// URL, such as http://127.0.0.1:8080") }
        } else if !serverPid.isEmpty {
            throw ValidationError("--server-pid needs --target (without it, the bench measures the server it starts)")
        }
        if serverPid.contains(where: { $0 <= 0 }) { throw ValidationError("--server-pid must be a process id") }
    }

    func run() async throws {
        let base = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.bench")
        let benchmark = LoadBenchmark(
            devices: devices, seconds: seconds, rampSeconds: rampSeconds ?? Double(devices) / 10, warmupSeconds: warmupSeconds, intervalMS: intervalMs,
            target: target.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }, port: port, serverPIDs: serverPid, timeline: timeline,
            logger: logger)
        let report = try await CLIFailure.reporting {
            try await benchmark.run(base: base, benchDatabase: benchDatabase ?? "\(base.database)_bench_load")
        }
        printError(
            """
            bench load: \(report.devices) devices for \(report.seconds) s: \(report.requests) requests (\(report.requests_per_s)/s), \
            \(report.errors) errors (rate \(report.error_rate), target < 0.001); push p50 \(report.push_p50_ms) ms, \
            p99 \(report.push_p99_ms) ms (target < 250); pull p99 \(report.pull_p99_ms) ms; live p99 \(report.live_p99_ms) ms \
            over \(report.live_samples) samples; lost \(report.lost), duplicated \(report.duplicated) (target 0)
            """)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        if report.lost > 0 || report.duplicated > 0 {
            try await CLIFailure.reporting {
                throw CLIFailure(.verificationFailed, "\(report.lost) answered mutation(s) lost, \(report.duplicated) applied more than once")
            }
        }
    }
}
