import AsyncHTTPClient
import CommandLineSupport
import Commands
import EventStore
import Foundation
import Logging
import NIOCore
import Synchronization

/// `synccli bench load`: many simulated devices (``LoadDevice``) against one server this command
/// starts, or against `--target` (one server, or the HAProxy of `make cluster`), then a check of
/// the event log for lost and duplicated mutations.
struct LoadBenchmark: Sendable {
    let devices: Int
    let seconds: Int
    /// Seconds over which the devices' sign-ins are spread.
    let rampSeconds: Double
    /// Seconds between the last sign-in and the measured window.
    let warmupSeconds: Int
    /// Mean think time between a device's cycles.
    let intervalMS: Int
    /// The server to drive; `nil`: start one on `port`.
    let target: String?
    let port: Int
    /// Processes whose peak memory is `server_rss_mb` with `target`.
    let serverPIDs: [Int32]
    /// Where to write the per-second figures.
    let timeline: String?
    let logger: Logger

    /// Every device user's password.
    static let password = "load-password-1"
    /// The chance, per cycle, that a device reconnects its live socket.
    static let reconnectProbability = 0.02
    /// Notifications each user gets (and reads, half on each of its devices).
    static let notificationsPerUser = 8

    /// Prepares the users in `base` (with `target`) or in a fresh `benchDatabase` (without, where it
    /// also starts the server), runs the devices, checks the log, and returns the figures.
    func run(base: DatabaseURL, benchDatabase: String) async throws -> LoadReport {
        FileDescriptorLimit.raiseToHardLimit()
        if let target {
            return try await EventStore.withRunning(url: base, maximumConnections: 8, applicationName: "synccli-bench-load", logger: logger) { store in
                try await drive(store: store, baseURL: target, serverPIDs: serverPIDs)
            }
        }
        let admin = DatabaseAdmin(url: base, logger: logger)
        try await admin.dropDatabase(benchDatabase)
        try await admin.createDatabase(benchDatabase)
        let url = base.withDatabase(benchDatabase)
        let secret = "load-" + UUID().uuidString + UUID().uuidString
        return try await EventStore.withRunning(url: url, maximumConnections: 8, applicationName: "synccli-bench-load", logger: logger) { store in
            _ = try await store.migrate(additional: TidemarkMigrations.all)
            // The server's defaults, request limits included: the devices' pacing must stay within them.
            let server = try BenchServerProcess(databaseURL: url.description, port: port, secret: secret, maximumConnections: 20, requestLimits: true)
            do {
                try await server.waitUntilReady()
                let report = try await drive(store: store, baseURL: server.baseURL, serverPIDs: [server.pid])
                await server.stop()
                return report
            } catch {
                await server.stop()
                throw error
            }
        }
    }

    private func drive(store: EventStore, baseURL: String, serverPIDs: [Int32]) async throws -> LoadReport {
        printError("bench load: creating \((devices + 1) / 2) users for \(devices) devices…")
        let population = try await LoadPopulation.create(
            store: store, users: (devices + 1) / 2, notificationsPerUser: Self.notificationsPerUser, password: Self.password)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = min(1000, max(8, devices / 2))
        configuration.connectionPool.idleTimeout = .seconds(50)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let report = try await drive(store: store, baseURL: baseURL, serverPIDs: serverPIDs, population: population, http: http)
            try await http.shutdown()
            return report
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func drive(store: EventStore, baseURL: String, serverPIDs: [Int32], population: LoadPopulation, http: HTTPClient) async throws -> LoadReport {
        let recorder = LoadRecorder()
        let signedIn = BackgroundSockets.Counter()
        let end = BackgroundSockets.Counter()
        end.value.store(Int.max, ordering: .relaxed)
        let plan = LoadPlan(
            tenantCode: population.tenantCode, password: Self.password, interval: .milliseconds(intervalMS),
            reconnectProbability: Self.reconnectProbability,
            liveURL: baseURL.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(of: "https://", with: "wss://") + "/v1/sync/live")
        let api = BenchAPI(http: http, baseURL: baseURL)
        let sockets = (0..<devices).map { _ in LoadLiveSocket(recorder: recorder, logger: logger) }
        let fleet = (0..<devices).map { index in
            let peer = index ^ 1
            return LoadDevice(
                index: index, account: population.accounts[index / 2], deviceID: UUID().uuidString.lowercased(),
                startAt: recorder.start + .seconds(rampSeconds * Double(index) / Double(devices)), socket: sockets[index],
                peer: peer < devices ? sockets[peer] : nil, plan: plan, api: api, recorder: recorder, signedIn: signedIn, endMilliseconds: end)
        }
        let timelineFile = try timeline.map { path in
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CLIFailure(.benchmarkFailed, "cannot write --timeline \(path)") }
            return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        let monitor = Task { await LoadMonitor(recorder: recorder, timeline: timelineFile, devices: devices, signedIn: signedIn).run() }
        printError("bench load: \(devices) devices sign in over \(rampSeconds) s, then run for \(seconds) s (a cycle every \(intervalMS) ms ± 50 %)…")
        let running = fleet.map { device in Task { await device.run() } }

        // The measured window starts once every device has signed in (or the ramp-up ran a minute late).
        let rampDeadline = recorder.start + .seconds(rampSeconds + 60)
        while signedIn.value.load(ordering: .relaxed) < devices, ContinuousClock.now < rampDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        if warmupSeconds > 0 {
            printError("bench load: \(signedIn.value.load(ordering: .relaxed))/\(devices) devices signed in; warming up for \(warmupSeconds) s…")
            try await Task.sleep(for: .seconds(warmupSeconds))
        }
        let from = ContinuousClock.now
        let until = from + .seconds(seconds)
        recorder.measure(from: from, until: until)
        end.value.store(Int(((until - recorder.start).seconds * 1000).rounded(.up)), ordering: .relaxed)
        printError("bench load: \(signedIn.value.load(ordering: .relaxed))/\(devices) devices signed in; measuring for \(seconds) s…")
        try await Task.sleep(until: until, clock: .continuous)

        // Cycles under way finish (their answers go into the ledger); after a minute the rest is cut off.
        let stragglers = Task {
            try await Task.sleep(for: .seconds(60))
            for task in running { task.cancel() }
        }
        var states: [LoadDeviceState] = []
        for task in running { states.append(await task.value) }
        stragglers.cancel()
        printError("bench load: stopped; retrying unanswered pushes once and closing the sockets…")
        states = await withTaskGroup(of: (Int, LoadDeviceState).self) { group in
            for (index, state) in states.enumerated() {
                if index >= 64 { _ = await group.next() }
                group.addTask {
                    var state = state
                    await fleet[index].drain(&state)
                    return (index, state)
                }
            }
            var drained = states
            for await (index, state) in group { drained[index] = state }
            return drained
        }
        monitor.cancel()
        await monitor.value
        try timelineFile?.close()

        let peak =
            serverPIDs.isEmpty
            ? nil
            : serverPIDs.reduce(Optional(0)) { sum, pid in
                guard let sum, let bytes = try? BenchServerProcess.memory("VmHWM", pid: pid) else { return nil }
                return sum + bytes
            }
        let ledger = states.flatMap(\.ledger)
        printError("bench load: checking \(ledger.count) mutations against the event log…")
        let (lost, duplicated) = try await LoadLedgerCheck.verify(ledger, client: store.client, logger: logger)
        for sample in recorder.errorSamples() { printError("bench load: error: \(sample)") }
        return report(recorder: recorder, states: states, ledger: ledger, lost: lost, duplicated: duplicated, peak: peak, target: baseURL)
    }

    private func report(
        recorder: LoadRecorder, states: [LoadDeviceState], ledger: [LoadLedgerEntry], lost: Int, duplicated: Int, peak: Int?, target: String
    ) -> LoadReport {
        let measured = recorder.measured()
        let tally = { (kind: LoadRequestKind) in measured[kind] ?? LoadTally() }
        let http = LoadRequestKind.allCases.filter { $0 != .live }
        let requests = http.reduce(0) { $0 + tally($1).requests }
        let errors = LoadRequestKind.allCases.reduce(0) { $0 + tally($1).errors }
        let ms = { (kind: LoadRequestKind, p: Double) in Percentile.round3(tally(kind).percentile(p)) }
        let answered = ledger.filter { $0.positions != nil }.count
        let logins = recorder.logins()
        return LoadReport(
            devices: devices, seconds: seconds, requests: requests, errors: errors,
            error_rate: requests > 0 ? (Double(errors) / Double(requests) * 1_000_000).rounded() / 1_000_000 : 0,
            push_p50_ms: ms(.push, 0.5), push_p99_ms: ms(.push, 0.99), pull_p99_ms: ms(.pull, 0.99), live_p99_ms: ms(.live, 0.99),
            server_rss_mb: peak.map { Percentile.round3(Double($0) / 1_048_576) }, lost: lost, duplicated: duplicated,
            target: target, interval_ms: intervalMS, ramp_seconds: Int(rampSeconds.rounded(.up)), warmup_seconds: warmupSeconds,
            requests_per_s: Percentile.round3(Double(requests) / Double(seconds)), pushes: tally(.push).requests, pulls: tally(.pull).requests,
            pull_p50_ms: ms(.pull, 0.5), live_p50_ms: ms(.live, 0.5), live_samples: tally(.live).requests, live_missed: tally(.live).errors,
            connects: tally(.connect).requests, socket_errors: tally(.connect).errors,
            logins: states.filter { $0.tokens != nil }.count, login_errors: logins.errors,
            login_p50_ms: Percentile.round3(logins.percentile(0.5)), login_p99_ms: Percentile.round3(logins.percentile(0.99)),
            mutations: ledger.count, mutations_answered: answered, mutations_rejected: states.reduce(0) { $0 + $1.rejected },
            mutations_unanswered: ledger.count - answered,
            errors_by_kind: Dictionary(uniqueKeysWithValues: LoadRequestKind.allCases.map { ($0.rawValue, tally($0).errors) })
        )
    }
}
