import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

extension SyncBenchmark.Cases: ExpressibleByArgument {}

/// `synccli bench sync`: initial sync, push throughput and live latency against a server process.
struct BenchSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Initial sync, push throughput vs raw INSERTs, and live-poke latency with many WebSockets.",
        discussion: """
            In a fresh database (<database>_bench_sync by default, dropped and created anew), starts this \
            binary as `synccli serve` on --port as a separate process, then measures over loopback HTTP:
              1. initial sync: N todos of one user (generated as TodoCreated events with SQL and projected by \
                 the server) into a fresh SyncClient replica file with --pull-limit rows on the first page (growing to --catch-up-pull-limit), against a plain \
                 SELECT of the same rows and SQLite's own bulk insert of them; the sync's time is broken down \
                 into server query and encoding (the server's Server-Timing header), transfer, client \
                 decoding and SQLite write, summed over its pages (`--only initial-sync` runs this case alone);
              2. push, against raw single-row INSERTs at --devices writers for --seconds, in the same run: \
                 (a) --devices devices pushing new todos over HTTP with 1, 10, then 100 mutations per request \
                 for --seconds each (the headline is 100, what SyncClient sends whenever it has that many \
                 queued); (b) a cross-check with --devices real SyncClient replicas in this process that each \
                 queue --client-mutations new todos offline, then all sync at once: mutations/s until the \
                 server has stored every answer, and until every sync (pull included) has returned;
              3. live: --live-clients WebSockets connected; 20 of them belong to real SyncClient replicas \
                 whose users' other device pushes an edit; the time from that push to the edit being in the \
                 replica file is sampled --live-samples times (p50, p99). The server's resident memory before \
                 and after connecting the others gives bytes per live client. The benchmark raises its open-file soft \
              limit to the hard limit (and says so when that is below --live-clients + 1024: raise `ulimit -Hn`).
              4. hot stream (issue 20 item 7): --hot-devices devices of one user each push --hot-edits edits of one \
                 todo in one request, all at the same moment, for --hot-rounds rounds, against the same pushes one after \
                 another on another todo; a push answered 503 is sent again, and counted (--only hot-stream runs \
                 only this case).
              --only push runs only step 2's raw inserts and pushes of 100, 10 and 1 mutations per request.

            Build with -c release for meaningful figures (`make bench-sync`).

            Examples:
              synccli bench sync
              synccli bench sync --only initial-sync --json | tail -1 | jq .initial_sync_s
              synccli bench sync --rows 20000 --live-clients 200 --json | tail -1 | jq .live_p99_ms
              synccli bench sync --only hot-stream --json | tail -1 | jq .hot_stream_ratio
              synccli bench sync --only push --json | tail -1 | jq .push_batch1_ratio
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Todos in the initial sync (1000-1000000).")
    var rows: Int = 100_000

    @Option(help: "Concurrent pushing devices (1-256).")
    var devices: Int = 32

    @Option(help: "Offline mutations each real SyncClient device queues before they all sync at once (100-100000).")
    var clientMutations: Int = 1000

    @Option(help: "Seconds to measure each push case and the raw baseline (0.5-600).")
    var seconds: Double = 8

    @Option(help: "Connected live WebSockets (2-10000).")
    var liveClients: Int = 1000

    @Option(help: "Latency samples (10-100000).")
    var liveSamples: Int = 200

    @Option(help: "Devices of one user pushing edits of one todo at the same moment in the hot-stream case (2-64).")
    var hotDevices: Int = 10

    @Option(help: "Edits of the todo in each hot-stream push (1-100).")
    var hotEdits: Int = 20

    @Option(help: "Hot-stream rounds: each device pushes once per round (1-100).")
    var hotRounds: Int = 6

    @Option(help: "Rows on the first pull page of the initial sync's replica (the client's pullLimit, 1-5000).")
    var pullLimit: Int = 1000

    @Option(help: "The most rows per page while more is waiting (the client's catchUpPullLimit, pull-limit-5000; equal to --pull-limit: fixed pages).")
    var catchUpPullLimit: Int = 5000

    @Option(help: "The server's --push-groups: most groups of pushes applied at once (1-64).")
    var pushGroups: Int = 4

    @Flag(help: "Commit each pull page of the initial sync with a full fsync (the client's durablePullPages).")
    var durablePullPages = false

    @Option(help: "Run all cases, or one: initial-sync (the JSON line then holds the initial_sync_* keys only), hot-stream or push (the other figures stay 0).")
    var only: SyncBenchmark.Cases = .all

    @Option(help: "Port of the benchmark server (1024-65535).")
    var port: Int = 18_090

    @Option(help: "Database to (re)create for the benchmark (default: <database>_bench_sync).")
    var benchDatabase: String?

    @Flag(
        help:
            """
            End with one JSON line: {initial_sync_rows, initial_sync_s, initial_sync_server_query_s, initial_sync_encode_s, \
            initial_sync_transfer_s, initial_sync_decode_s, initial_sync_write_s, initial_sync_sqlite_bulk_s, push_mutations_per_s, \
            raw_insert_per_s, push_ratio, live_p50_ms, live_p99_ms, bytes_per_live_client, hot_stream_ratio, hot_stream_503, …}.
            """
    )
    var json = false

    func validate() throws {
        guard (1...64).contains(pushGroups) else { throw ValidationError("--push-groups must be 1-64") }
        guard (1_000...1_000_000).contains(rows) else { throw ValidationError("--rows must be 1000-1000000") }
        guard (1...256).contains(devices) else { throw ValidationError("--devices must be 1-256") }
        guard (100...100_000).contains(clientMutations) else { throw ValidationError("--client-mutations must be 100-100000") }
        guard seconds >= 0.5, seconds <= 600 else { throw ValidationError("--seconds must be 0.5-600") }
        guard (2...10_000).contains(liveClients) else { throw ValidationError("--live-clients must be 2-10000") }
        guard (10...100_000).contains(liveSamples) else { throw ValidationError("--live-samples must be 10-100000") }
        guard (1...5000).contains(pullLimit) else { throw ValidationError("--pull-limit must be 1-5000") }
        guard (pullLimit...5000).contains(catchUpPullLimit) else { throw ValidationError("--catch-up-pull-limit must be --pull-limit-5000") }
        guard (1024...65_535).contains(port) else { throw ValidationError("--port must be 1024-65535") }
        guard (2...64).contains(hotDevices) else { throw ValidationError("--hot-devices must be 2-64") }
        guard (1...100).contains(hotEdits) else { throw ValidationError("--hot-edits must be 1-100") }
        guard (1...100).contains(hotRounds) else { throw ValidationError("--hot-rounds must be 1-100") }
    }

    func run() async throws {
        let base = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.bench")
        // --live-clients 10000 holds that many sockets in this process: the soft limit on open files
        // goes up to the hard one (the server child raises its own); more needs `ulimit -Hn`.
        let openFiles = FileDescriptorLimit.raiseToHardLimit()
        if let openFiles, openFiles < liveClients + 1024 {
            printError("bench sync: the open-file limit is \(openFiles); \(liveClients) live sockets may need more (raise `ulimit -Hn`)")
        }
        var benchmark = SyncBenchmark(
            rows: rows, devices: devices, clientMutations: clientMutations, seconds: seconds, liveClients: liveClients, liveSamples: liveSamples, port: port,
            cases: only, hotStream: HotStreamBenchmark(devices: hotDevices, edits: hotEdits, rounds: hotRounds), logger: logger
        )
        benchmark.pullLimit = pullLimit
        benchmark.catchUpPullLimit = catchUpPullLimit
        benchmark.durablePullPages = durablePullPages
        benchmark.pushGroups = pushGroups
        let name = benchDatabase ?? "\(base.database)_bench_sync"
        let report = try await CLIFailure.reporting {
            try await benchmark.run(base: base, databaseName: name)
        }
        let initial = report.initialSync
        print(
            """
            initial sync   \(initial.initial_sync_rows) rows in \(initial.initial_sync_s) s   (target < 2 s; plain SELECT \(initial.initial_sync_raw_select_s) s, \
            SQLite bulk insert \(initial.initial_sync_sqlite_bulk_s) s)
                           server query \(initial.initial_sync_server_query_s) s, encoding \(initial.initial_sync_encode_s) s, \
            transfer \(initial.initial_sync_transfer_s) s, decoding \(initial.initial_sync_decode_s) s, SQLite write \(initial.initial_sync_write_s) s \
            (\(initial.initial_sync_pages) pages; fetching overlaps writing)
            """)
        if let report = report.others {
            print(
                """
                push           \(Int(report.push_mutations_per_s)) mutations/s at \(report.push_devices) devices, \(report.push_batch) per push; \
                raw INSERT \(Int(report.raw_insert_per_s))/s; ratio \(report.push_ratio) (target ≥ 0.5)
                               \(Int(report.push_batch10_mutations_per_s))/s with 10 per push (ratio \(report.push_batch10_ratio)), \
                \(Int(report.push_batch1_mutations_per_s))/s with 1 per push (ratio \(report.push_batch1_ratio)); \
                \(report.push_devices) real SyncClient replicas: \(Int(report.push_client_mutations_per_s))/s (ratio \(report.push_client_ratio))
                live           \(report.live_clients) sockets; p50 \(report.live_p50_ms) ms, p99 \(report.live_p99_ms) ms (target p99 < 250 ms); \
                \(report.bytes_per_live_client) bytes per live client
                hot stream     \(report.hot_stream_mutations) edits of one todo by \(report.hot_stream_devices) devices: \(report.hot_stream_s) s at once \
                vs \(report.hot_stream_sequential_s) s one after another (ratio \(report.hot_stream_ratio), target ≤ 3); \
                p99 \(report.hot_stream_p99_ms) ms; \(report.hot_stream_503) answers 503 (target 0)
                """)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
