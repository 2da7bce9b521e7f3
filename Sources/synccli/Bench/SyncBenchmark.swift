import AsyncHTTPClient
import CommandLineSupport
import Commands
import Domain
import EventStore
import Foundation
import HTTPTypes
import Logging
import NIOCore
import PostgresNIO
import SyncClient
import SyncProtocol
import SyncServer
import WSClient

/// `synccli bench sync`: initial sync, push throughput against raw inserts, and live-poke latency
/// with many connected WebSockets, against a real server process on loopback.
struct SyncBenchmark: Sendable {
    /// The figures; the JSON line of `--json`: the initial sync's keys, then (unless only the
    /// initial sync ran) push and live.
    struct Report: Codable, Sendable {
        var initialSync: InitialSyncFigures
        /// `nil` when only the initial sync ran.
        var others: Figures?

        init(initialSync: InitialSyncFigures, others: Figures?) {
            self.initialSync = initialSync
            self.others = others
        }

        /// One flat JSON object.
        init(from decoder: any Decoder) throws {
            initialSync = try InitialSyncFigures(from: decoder)
            others = try? Figures(from: decoder)
        }

        /// One flat JSON object.
        func encode(to encoder: any Encoder) throws {
            try initialSync.encode(to: encoder)
            try others?.encode(to: encoder)
        }
    }

    /// The push and live figures.
    struct Figures: Codable, Sendable {
        var push_devices: Int
        /// Mutations per request of the headline figure: the most a `SyncClient` sends at once, as it
        /// does whenever it has that many queued (offline work, or writes faster than round trips).
        var push_batch: Int
        /// Headline: mutations/s applied with `push_batch` mutations per request from `push_devices` devices.
        var push_mutations_per_s: Double
        var push_batch1_mutations_per_s: Double
        var push_batch10_mutations_per_s: Double
        /// Offline mutations each real `SyncClient` replica had queued in the cross-check.
        var push_client_queued: Int
        /// Cross-check: mutations/s stored while `push_devices` real `SyncClient` replicas (in the
        /// benchmark's process, on the same cores as the server) drain their queues.
        var push_client_mutations_per_s: Double
        /// The same, counted until every replica's `sync()` returned (its pull included).
        var push_client_sync_mutations_per_s: Double
        var raw_insert_per_s: Double
        var push_ratio: Double
        var push_batch1_ratio: Double
        var push_batch10_ratio: Double
        var push_client_ratio: Double
        var live_clients: Int
        var live_samples: Int
        var live_p50_ms: Double
        var live_p99_ms: Double
        var live_max_ms: Double
        var bytes_per_live_client: Int
        /// Hot stream (issue 20 item 7): devices of one user pushing edits of one todo at once.
        var hot_stream_devices: Int
        /// Edits per push (one push per device and round).
        var hot_stream_edits_per_push: Int
        var hot_stream_rounds: Int
        /// Edits applied in each phase.
        var hot_stream_mutations: Int
        /// Seconds for the same pushes one after another (the baseline).
        var hot_stream_sequential_s: Double
        /// Seconds with `hot_stream_devices` pushing at the same moment each round.
        var hot_stream_s: Double
        /// `hot_stream_s / hot_stream_sequential_s` (target ≤ 3).
        var hot_stream_ratio: Double
        var hot_stream_mutations_per_s: Double
        /// Time to an answer per push (from its first attempt), concurrent phase.
        var hot_stream_p50_ms: Double
        var hot_stream_p99_ms: Double
        var hot_stream_max_ms: Double
        /// `503` answers in the concurrent phase (target 0).
        var hot_stream_503: Int
    }

    /// Which cases run.
    enum Cases: String, Sendable, CaseIterable {
        /// Every case.
        case all
        /// Only the initial sync: the JSON line holds its keys only.
        case initialSync = "initial-sync"
        /// Only the hot-stream case; the other figures stay 0.
        case hotStream = "hot-stream"
        /// Only raw inserts and the pushes of 1, 10 and 100 mutations per request; the other figures stay 0.
        case push
    }

    let rows: Int
    let devices: Int
    let clientMutations: Int
    let seconds: Double
    let liveClients: Int
    let liveSamples: Int
    let port: Int
    let cases: Cases
    let hotStream: HotStreamBenchmark
    /// Rows per pull page of the initial sync's replica.
    var pullLimit = 1000
    /// The most rows per page while more is waiting (the client's `catchUpPullLimit`).
    var catchUpPullLimit = 5000
    /// Commit each pull page with a full fsync (the client's `durablePullPages`).
    var durablePullPages = false
    /// The server's `--push-groups`.
    var pushGroups = 4
    let logger: Logger

    static let password = "bench-password-1"

    /// The replicas' logger: quiet, so the figures are readable.
    var clientLogger: Logger {
        var logger = logger
        logger.logLevel = .warning
        return logger
    }

    func run(base: DatabaseURL, databaseName: String) async throws -> Report {
        let admin = DatabaseAdmin(url: base, logger: logger)
        try await admin.dropDatabase(databaseName)
        try await admin.createDatabase(databaseName)
        let url = base.withDatabase(databaseName)
        let secret = (0..<48).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement().map(String.init) ?? "x" }.joined()
        return try await EventStore.withRunning(url: url, maximumConnections: devices + 8, applicationName: "synccli-bench-sync", logger: logger) { store in
            _ = try await store.migrate(additional: TidemarkMigrations.all)
            try await store.client.query(PostgresQuery(unsafeSQL: AppendBenchmark.rawTable))
            let server = try BenchServerProcess(
                databaseURL: url.description, port: port, secret: secret, maximumConnections: devices + 16,
                extraArguments: ["--push-groups", String(pushGroups)])
            do {
                try await server.waitUntilReady()
                let report = try await measure(store: store, server: server, secret: secret)
                await server.stop()
                return report
            } catch {
                await server.stop()
                throw error
            }
        }
    }

    private func measure(store: EventStore, server: BenchServerProcess, secret: String) async throws -> Report {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = devices + 8
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let report = try await measure(store: store, server: server, secret: secret, http: http)
            try await http.shutdown()
            return report
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func measure(store: EventStore, server: BenchServerProcess, secret: String, http: HTTPClient) async throws -> Report {
        let api = BenchAPI(http: http, baseURL: server.baseURL)
        let tenant = TenantID()
        try await CommandService(store: store).createTenant(tenant, name: "Bench", code: "bench", envelope: CommandEnvelope(principal: .system(tenantID: nil)))
        if cases == .hotStream {
            return Report(initialSync: .zero, others: try await withHotStream(Self.emptyFigures, api: api, store: store))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-bench-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        // 1. Initial sync of `rows` todos into a fresh replica.
        let initialSync =
            cases == .push ? .zero : try await measureInitialSync(api: api, store: store, tenant: tenant, server: server, folder: folder)
        guard cases != .initialSync else { return Report(initialSync: initialSync, others: nil) }

        // 2. Push throughput at `devices` concurrent devices vs raw single-row inserts.
        printError("bench sync: raw single-row INSERTs at \(devices) writers for \(seconds) s…")
        let raw = try await AppendBenchmark.measureRate(writers: devices, seconds: seconds) { writer, number in
            try await AppendBenchmark.rawInsert(client: store.client, writer: writer, round: 0, number: number, batch: 1)
        }
        var pushers: [BenchSession] = []
        for index in 0..<devices { pushers.append(try await api.signUp("pusher\(index)")) }
        let pushed1 = try await pushRate(api: api, sessions: pushers, batch: 1)
        let pushed10 = try await pushRate(api: api, sessions: pushers, batch: 10)
        let pushed100 = try await pushRate(api: api, sessions: pushers, batch: 100)
        let pushes = """
            bench sync: raw INSERT \(Int(raw))/s; pushes \(Int(pushed100))/s with 100 per request (ratio \(format(pushed100 / max(raw, 1)))), \
            \(Int(pushed10))/s with 10 (\(format(pushed10 / max(raw, 1)))), \(Int(pushed1))/s with 1 (\(format(pushed1 / max(raw, 1))))
            """
        if cases == .push {
            printError(pushes)
            var figures = Self.emptyFigures
            (figures.push_devices, figures.push_batch, figures.raw_insert_per_s) = (devices, 100, raw.rounded())
            (figures.push_mutations_per_s, figures.push_batch10_mutations_per_s, figures.push_batch1_mutations_per_s) =
                (pushed100.rounded(), pushed10.rounded(), pushed1.rounded())
            (figures.push_ratio, figures.push_batch10_ratio, figures.push_batch1_ratio) =
                (round3(pushed100 / max(raw, 1)), round3(pushed10 / max(raw, 1)), round3(pushed1 / max(raw, 1)))
            return Report(initialSync: .zero, others: figures)
        }
        let client = try await clientPushRate(api: api, store: store, folder: folder)
        printError(
            """
            \(pushes); \
            real SyncClient replicas \(Int(client.pushed))/s stored (\(format(client.pushed / max(raw, 1)))), \(Int(client.synced))/s counting their pulls
            """)

        // 3. Live latency with `liveClients` connected WebSockets.
        let pairs = min(20, max(1, liveClients / 2))
        var measured: [(sender: BenchSession, receiver: SyncClient, todo: String)] = []
        for index in 0..<pairs {
            let sender = try await api.signUp("live\(index)")
            let receiver = try await SyncClient(
                configuration: .init(databasePath: folder.appendingPathComponent("live\(index).sqlite").path, serverURL: server.baseURL, logger: clientLogger))
            try await receiver.login(tenantCode: "bench", username: "live\(index)", password: Self.password)
            let todo = UUID().uuidString.lowercased()
            _ = try await api.push(sender, [("todo.create", .object(["todo_id": .string(todo), "title": .string("live")]))])
            measured.append((sender, receiver, todo))
        }
        var liveTasks: [Task<Void, Never>] = []
        for pair in measured {
            liveTasks.append(Task { await pair.receiver.run() })
        }
        for pair in measured {
            try await waitUntil("the receiver of \(pair.sender.username) has its todo") { try await pair.receiver.row(.todos, key: pair.todo) != nil }
        }
        let background = max(0, liveClients - pairs)
        try await Task.sleep(for: .seconds(1))
        let rssBefore = try server.residentBytes()
        let sockets = try await BackgroundSockets.connect(
            count: background, tenant: tenant, secret: secret, url: server.baseURL, store: store, logger: logger
        )
        try await Task.sleep(for: .seconds(1))
        let rssAfter = try server.residentBytes()
        let perClient = background > 0 ? max(0, rssAfter - rssBefore) / background : 0
        printError(
            "bench sync: \(background + pairs) live sockets connected; server memory +\((rssAfter - rssBefore) / 1024) KiB (\(perClient) bytes per socket)")
        var latencies: [Double] = []
        for sample in 0..<liveSamples {
            let pair = measured[sample % measured.count]
            let title = "live-\(sample)"
            let start = ContinuousClock.now
            _ = try await api.push(pair.sender, [("todo.edit", .object(["todo_id": .string(pair.todo), "title": .string(title)]))])
            try await waitUntil("sample \(sample) reaches the other device", poll: .milliseconds(1)) {
                try await pair.receiver.row(.todos, key: pair.todo)?["title"]?.stringValue == title
            }
            latencies.append(seconds(since: start) * 1000)
        }
        for task in liveTasks { task.cancel() }
        for task in liveTasks { await task.value }
        for pair in measured { try? await pair.receiver.close() }
        await sockets.close()
        latencies.sort()
        let p50 = Percentile.of(latencies, 0.50)
        let p99 = Percentile.of(latencies, 0.99)
        printError(
            "bench sync: live latency over \(latencies.count) samples: p50 \(format(p50)) ms, p99 \(format(p99)) ms, max \(format(latencies.last ?? 0)) ms")
        let others = Figures(
            push_devices: devices, push_batch: 100, push_mutations_per_s: pushed100.rounded(),
            push_batch1_mutations_per_s: pushed1.rounded(), push_batch10_mutations_per_s: pushed10.rounded(),
            push_client_queued: clientMutations, push_client_mutations_per_s: client.pushed.rounded(),
            push_client_sync_mutations_per_s: client.synced.rounded(), raw_insert_per_s: raw.rounded(),
            push_ratio: round3(pushed100 / max(raw, 1)), push_batch1_ratio: round3(pushed1 / max(raw, 1)),
            push_batch10_ratio: round3(pushed10 / max(raw, 1)), push_client_ratio: round3(client.pushed / max(raw, 1)),
            live_clients: background + pairs, live_samples: latencies.count, live_p50_ms: round3(p50), live_p99_ms: round3(p99),
            live_max_ms: round3(latencies.last ?? 0), bytes_per_live_client: perClient,
            hot_stream_devices: 0, hot_stream_edits_per_push: 0, hot_stream_rounds: 0, hot_stream_mutations: 0, hot_stream_sequential_s: 0,
            hot_stream_s: 0, hot_stream_ratio: 0, hot_stream_mutations_per_s: 0, hot_stream_p50_ms: 0, hot_stream_p99_ms: 0, hot_stream_max_ms: 0,
            hot_stream_503: 0
        )
        // 4. The hot stream.
        return Report(initialSync: initialSync, others: try await withHotStream(others, api: api, store: store))
    }

    /// Push, live and hot-stream figures all 0 (`--only hot-stream` fills in the hot-stream ones).
    static let emptyFigures = Figures(
        push_devices: 0, push_batch: 0, push_mutations_per_s: 0, push_batch1_mutations_per_s: 0, push_batch10_mutations_per_s: 0,
        push_client_queued: 0, push_client_mutations_per_s: 0, push_client_sync_mutations_per_s: 0, raw_insert_per_s: 0, push_ratio: 0,
        push_batch1_ratio: 0, push_batch10_ratio: 0, push_client_ratio: 0, live_clients: 0, live_samples: 0, live_p50_ms: 0, live_p99_ms: 0,
        live_max_ms: 0, bytes_per_live_client: 0, hot_stream_devices: 0, hot_stream_edits_per_push: 0, hot_stream_rounds: 0,
        hot_stream_mutations: 0, hot_stream_sequential_s: 0, hot_stream_s: 0, hot_stream_ratio: 0, hot_stream_mutations_per_s: 0,
        hot_stream_p50_ms: 0, hot_stream_p99_ms: 0, hot_stream_max_ms: 0, hot_stream_503: 0
    )

    /// `figures` with those of the hot-stream case, which it runs.
    private func withHotStream(_ figures: Figures, api: BenchAPI, store: EventStore) async throws -> Figures {
        let hot = try await hotStream.run(api: api, store: store)
        var report = figures
        report.hot_stream_devices = hot.devices
        report.hot_stream_edits_per_push = hotStream.edits
        report.hot_stream_rounds = hotStream.rounds
        report.hot_stream_mutations = hot.mutations
        report.hot_stream_sequential_s = round3(hot.sequentialSeconds)
        report.hot_stream_s = round3(hot.concurrentSeconds)
        report.hot_stream_ratio = round3(hot.concurrentSeconds / max(hot.sequentialSeconds, 0.001))
        report.hot_stream_mutations_per_s = (Double(hot.mutations) / max(hot.concurrentSeconds, 0.001)).rounded()
        report.hot_stream_p50_ms = round3(Percentile.of(hot.latencies, 0.50))
        report.hot_stream_p99_ms = round3(Percentile.of(hot.latencies, 0.99))
        report.hot_stream_max_ms = round3(hot.latencies.last ?? 0)
        report.hot_stream_503 = hot.unavailable
        printError(
            """
            bench sync: hot stream: \(hot.mutations) edits of one todo by \(hot.devices) devices in \(format(hot.concurrentSeconds)) s at once \
            vs \(format(hot.sequentialSeconds)) s one push at a time (ratio \(format(report.hot_stream_ratio))); pushes answered in \
            p50 \(format(report.hot_stream_p50_ms)) ms, p99 \(format(report.hot_stream_p99_ms)) ms; \(hot.unavailable) answers 503
            """)
        return report
    }

    /// Case 1: `rows` todos of one user into a fresh replica, with the breakdown of its pull and
    /// two baselines on the same rows (a plain `SELECT`, and SQLite's own bulk insert).
    private func measureInitialSync(api: BenchAPI, store: EventStore, tenant: TenantID, server: BenchServerProcess, folder: URL) async throws
        -> InitialSyncFigures
    {
        let bulk = try await api.signUp("bulk")
        printError("bench sync: generating \(rows) todos for one user…")
        try await generateTodos(store: store, tenant: tenant.description, owner: bulk.userID)
        try await waitForTodos(store: store, owner: bulk.userID)
        let rawStart = ContinuousClock.now
        let rawRows = try await store.client.query(
            "SELECT todo_id::text, to_jsonb(t)::text FROM read.todos t WHERE owner_id = \(UUID(uuidString: bulk.userID)) AND NOT deleted",
            logger: logger
        )
        var selected: [(key: String, json: String)] = []
        selected.reserveCapacity(rows)
        for try await (key, json) in rawRows.decode((String, String).self) { selected.append((key, json)) }
        let rawSelect = seconds(since: rawStart)
        let sqliteBulk = try SQLiteBulkInsert.measure(selected, path: folder.appendingPathComponent("bulk.sqlite").path)
        var configuration = SyncClientConfiguration(
            databasePath: folder.appendingPathComponent("initial.sqlite").path, serverURL: server.baseURL, logger: clientLogger,
            pullLimit: pullLimit, catchUpPullLimit: catchUpPullLimit)
        configuration.durablePullPages = durablePullPages
        let replica = try await SyncClient(configuration: configuration)
        try await replica.login(tenantCode: "bench", username: "bulk", password: Self.password)
        let syncStart = ContinuousClock.now
        let report = try await replica.sync()
        let initialSync = seconds(since: syncStart)
        let synced = try await replica.rows(.todos).count
        try await replica.close()
        guard synced == rows, selected.count == rows else {
            throw CLIFailure(.benchmarkFailed, "the replica holds \(synced) todos and the table \(selected.count); expected \(rows)")
        }
        let timings = report.pullTimings
        printError(
            """
            bench sync: initial sync of \(synced) rows in \(format(initialSync)) s, \(report.pages) pages (\(pullLimit) rows, then up to \(catchUpPullLimit)) \
            (a plain SELECT of them: \(format(rawSelect)) s; SQLite's own bulk insert of them: \(format(sqliteBulk)) s)
            bench sync:   breakdown (summed over pages; fetching overlaps writing): server query \(format(timings.serverQuery.seconds)) s, \
            server encoding \(format(timings.serverEncode.seconds)) s, transfer \(format(timings.transfer.seconds)) s, \
            client decoding \(format(timings.decode.seconds)) s, SQLite write \(format(timings.write.seconds)) s
            """)
        return InitialSyncFigures(
            initial_sync_rows: synced, initial_sync_s: round3(initialSync), initial_sync_raw_select_s: round3(rawSelect),
            initial_sync_sqlite_bulk_s: round3(sqliteBulk), initial_sync_pages: report.pages, initial_sync_pull_limit: pullLimit,
            initial_sync_catch_up_pull_limit: catchUpPullLimit, initial_sync_durable_pull_pages: durablePullPages,
            initial_sync_server_query_s: round3(timings.serverQuery.seconds), initial_sync_encode_s: round3(timings.serverEncode.seconds),
            initial_sync_transfer_s: round3(timings.transfer.seconds), initial_sync_decode_s: round3(timings.decode.seconds),
            initial_sync_write_s: round3(timings.write.seconds))
    }

    /// Mutations per second stored when `devices` real `SyncClient` replicas, each with
    /// `clientMutations` new todos queued while offline, sync at once: until the server has stored
    /// every answer (`pushed`), and until every `sync()` (push, then pull) has returned (`synced`).
    private func clientPushRate(api: BenchAPI, store: EventStore, folder: URL) async throws -> (pushed: Double, synced: Double) {
        printError("bench sync: \(devices) SyncClient replicas queue \(clientMutations) offline mutations each…")
        var replicas: [SyncClient] = []
        var users: [UUID] = []
        for index in 0..<devices {
            let session = try await api.signUp("device\(index)")
            if let user = UUID(uuidString: session.userID) { users.append(user) }
            let replica = try await SyncClient(
                configuration: .init(
                    databasePath: folder.appendingPathComponent("device\(index).sqlite").path, serverURL: api.baseURL, logger: clientLogger
                ))
            try await replica.login(tenantCode: "bench", username: "device\(index)", password: Self.password)
            replicas.append(replica)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for replica in replicas {
                let count = clientMutations
                group.addTask {
                    for _ in 0..<count {
                        _ = try await replica.mutate(
                            .todoCreate, args: .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string("offline")]))
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = Int64(devices * clientMutations)
        printError("bench sync: \(devices) replicas sync \(total) mutations at once…")
        let start = ContinuousClock.now
        let pushed = Task {
            try await waitUntil("every queued mutation is stored", timeout: .seconds(600), poll: .milliseconds(5)) {
                let rows = try await store.client.query("SELECT count(*) FROM sync_mutations WHERE user_id = ANY(\(users))", logger: logger)
                for try await count in rows.decode(Int64.self) { return count >= total }
                return false
            }
            return seconds(since: start)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for replica in replicas {
                group.addTask {
                    let report = try await replica.sync()
                    guard report.rejected == 0 else { throw CLIFailure(.benchmarkFailed, "a replica had \(report.rejected) mutations rejected") }
                }
            }
            try await group.waitForAll()
        }
        let synced = seconds(since: start)
        let pushedSeconds = try await pushed.value
        // Queued mutations leave a replica once a pull shows their effects, which may take another sync:
        // what counts here is that the server stored every one of them, applied, once.
        let stored = try await store.client.query(
            "SELECT count(*) FILTER (WHERE status = 'applied'), count(DISTINCT (device_id, seq)) FROM sync_mutations WHERE user_id = ANY(\(users))",
            logger: logger
        )
        for try await (applied, distinct) in stored.decode((Int64, Int64).self) where applied != total || distinct != total {
            throw CLIFailure(.benchmarkFailed, "the server stored \(applied) applied answers for \(distinct) mutations; expected \(total)")
        }
        for replica in replicas { try await replica.close() }
        return (Double(total) / pushedSeconds, Double(total) / synced)
    }

    /// Mutations per second applied by `sessions` pushing `batch` new todos per request for `seconds`.
    private func pushRate(api: BenchAPI, sessions: [BenchSession], batch: Int) async throws -> Double {
        printError("bench sync: \(sessions.count) devices pushing \(batch) mutation(s) per request for \(seconds) s…")
        let applied = try await AppendBenchmark.measureRate(writers: sessions.count, seconds: seconds) { writer, _ in
            let mutations: [(String, SyncProtocol.JSONValue)] = (0..<batch).map { _ in
                ("todo.create", .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string("pushed")]))
            }
            let response = try await api.push(sessions[writer], mutations)
            guard response.results.allSatisfy({ $0.status == .applied }) else {
                throw CLIFailure(.benchmarkFailed, "a pushed mutation was rejected: \(response.results)")
            }
        }
        return applied * Double(batch)
    }

    private func generateTodos(store: EventStore, tenant: String, owner: String) async throws {
        let chunk = 10_000
        var done = 0
        while done < rows {
            let count = min(chunk, rows - done)
            try await store.client.query(
                """
                INSERT INTO events (event_id, stream, stream_id, category, stream_version, tenant_id, type, schema_version, data, metadata)
                SELECT gen_random_uuid(), 'todo-' || t.id, nextval('events_stream_id_seq'), 'todo', 1, \(tenant), 'TodoCreated', 2,
                       jsonb_build_object('tenantID', \(tenant)::text, 'todoID', t.id, 'ownerID', \(owner)::text, 'title', 'Bulk todo ' || s.i,
                                          'description', 'generated by synccli bench sync', 'priority', 'medium', 'tags', '[]'::jsonb,
                                          'type', 'personal', 'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                       jsonb_build_object('tenant', \(tenant)::text, 'actor', \(owner)::text)
                FROM generate_series(\(done + 1), \(done + count)) AS s(i), LATERAL (SELECT gen_random_uuid()::text || '' AS id, s.i AS j) AS t
                """,
                logger: logger
            )
            done += count
        }
    }

    private func waitForTodos(store: EventStore, owner: String) async throws {
        let start = ContinuousClock.now
        try await waitUntil("the todos projection catches up", timeout: .seconds(600), poll: .milliseconds(500)) {
            let result = try await store.client.query("SELECT count(*) FROM read.todos WHERE owner_id = \(UUID(uuidString: owner))", logger: logger)
            for try await count in result.decode(Int64.self) {
                if ContinuousClock.now - start > .seconds(5) { printError("bench sync:   projected \(count)/\(rows)") }
                return count == Int64(rows)
            }
            return false
        }
    }

    private func waitUntil(_ what: String, timeout: Duration = .seconds(30), poll: Duration = .milliseconds(20), _ condition: () async throws -> Bool)
        async throws
    {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw CLIFailure(.benchmarkFailed, "timed out: \(what)") }
            try await Task.sleep(for: poll)
        }
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return elapsed.seconds
    }

    private func round3(_ value: Double) -> Double { Percentile.round3(value) }
    private func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
