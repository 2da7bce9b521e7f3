import AsyncHTTPClient
import CommandLineSupport
import Commands
import Domain
import EventStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SyncProtocol

/// `synccli bench auth`: sign-ins per second under a storm of concurrent clients against bcrypt
/// alone on the same cores, and the latency of pulls with and without that storm, against a real
/// server process on loopback.
struct AuthBenchmark: Sendable {
    /// The figures; the JSON line of `--json`.
    struct Report: Codable, Sendable {
        /// Cores of this machine (`System.coreCount`), shared by the server, PostgreSQL and this process.
        var cores: Int
        /// The bcrypt cost of the users' stored hashes (the server's cost for new passwords).
        var cost: Int
        /// Threads of the server's password pool (`--password-threads`, by default one per core).
        var server_password_threads: Int
        /// Nice value of the server's password threads (`--password-nice`, by default
        /// `PasswordHasher.serverNice`); the baseline's threads run at the same.
        var password_nice: Int
        /// The server's `--password-cgroup`, where the baseline's threads run too; absent: none.
        var password_cgroup: String?
        /// The server's threads listed in that cgroup's thread file at the end of the storms
        /// (its password threads when the placement worked); 0 without a cgroup.
        var server_threads_in_cgroup: Int
        /// Threads the baseline verified on: one per core.
        var bcrypt_threads: Int
        /// Concurrent sign-in clients of the storm.
        var clients: Int
        /// Seconds of each measurement (baseline, quiet pulls, storm), in all rounds together.
        var seconds: Double
        var rounds: Int
        /// Baseline: `PasswordHashing.verify` calls per second of the right password against a
        /// stored hash, from `bcrypt_threads` threads of a `PasswordHasher` pool in this process
        /// (nice value `password_nice`), while the server is idle.
        var bcrypt_per_s: Double
        var bcrypt_verifies: Int
        /// Storm: successful `POST /v1/auth/login` answers per second.
        var logins_per_s: Double
        var logins: Int
        /// `logins_per_s / bcrypt_per_s` (target ≥ 0.8).
        var login_ratio: Double
        /// Cores' worth of CPU this process used during the baseline (at most `bcrypt_threads`; less
        /// when other processes of the machine took their share).
        var bcrypt_cpu_cores: Double
        /// Cores' worth of CPU the server process used during the storm (PostgreSQL's not counted).
        var storm_server_cpu_cores: Double
        /// `bcrypt_per_s / bcrypt_cpu_cores`: verifications per second of CPU.
        var bcrypt_per_cpu_s: Double
        /// `logins_per_s / storm_server_cpu_cores`: sign-ins per second of the server's CPU.
        var logins_per_server_cpu_s: Double
        /// `logins_per_server_cpu_s / bcrypt_per_cpu_s`: the login ratio for the same CPU, which
        /// the other processes of a busy machine do not skew.
        var login_cpu_ratio: Double
        /// Sign-ins that did not succeed: `busy_refusals`, `rate_limited` and any other answer or error.
        var login_errors: Int
        /// `503` answers (the server's password queue was full).
        var busy_refusals: Int
        var rate_limited: Int
        var login_p50_ms: Double
        var login_p99_ms: Double
        /// Signed-in clients pulling, each waiting `pull_interval_ms` between pulls.
        var pull_clients: Int
        var pull_interval_ms: Int
        /// Rows of each pull page (a snapshot page, no cursor).
        var pull_rows: Int
        var pulls_quiet: Int
        var pulls_storm: Int
        var pull_errors: Int
        var pull_p50_ms_quiet: Double
        var pull_p99_ms_quiet: Double
        var pull_p50_ms_storm: Double
        var pull_p99_ms_storm: Double
        /// `pull_p99_ms_storm / pull_p99_ms_quiet` (target < 2).
        var pull_p99_ratio: Double
    }

    let clients: Int
    let seconds: Double
    let rounds: Int
    let pullClients: Int
    let pullIntervalMs: Int
    let pullRows: Int
    let port: Int
    /// The server's `--password-threads`; `nil`: its default, one per core.
    let passwordThreads: Int?
    /// The server's `--password-nice`, and the baseline's threads'.
    let passwordNice: Int
    /// The server's `--password-cgroup`, and the baseline's threads'.
    let passwordCgroup: String?
    let logger: Logger

    /// The time a storm runs before its pulls are measured, so that the password queue is full.
    static let stormLead = Duration.milliseconds(500)

    func run(base: DatabaseURL, databaseName: String) async throws -> Report {
        let admin = DatabaseAdmin(url: base, logger: logger)
        try await admin.dropDatabase(databaseName)
        try await admin.createDatabase(databaseName)
        let url = base.withDatabase(databaseName)
        let secret = (0..<48).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement().map(String.init) ?? "x" }.joined()
        return try await EventStore.withRunning(url: url, maximumConnections: 4, applicationName: "synccli-bench-auth", logger: logger) { store in
            _ = try await store.migrate(additional: TidemarkMigrations.all)
            let server = try BenchServerProcess(
                databaseURL: url.description, port: port, secret: secret, maximumConnections: clients + pullClients + 16,
                extraArguments: (passwordThreads.map { ["--password-threads", String($0)] } ?? []) + ["--password-nice", String(passwordNice)]
                    + (passwordCgroup.map { ["--password-cgroup", $0] } ?? [])
            )
            do {
                try await server.waitUntilReady()
                let report = try await measure(store: store, server: server)
                await server.stop()
                return report
            } catch {
                await server.stop()
                throw error
            }
        }
    }

    private func measure(store: EventStore, server: BenchServerProcess) async throws -> Report {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = clients + pullClients + 8
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let report = try await measure(store: store, api: BenchAPI(http: http, baseURL: server.baseURL), serverPID: server.pid)
            try await http.shutdown()
            return report
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func measure(store: EventStore, api: BenchAPI, serverPID: Int32) async throws -> Report {
        let commands = CommandService(store: store)
        try await commands.createTenant(TenantID(), name: "Bench", code: "bench", envelope: CommandEnvelope(principal: .system(tenantID: nil)))

        // Users: one per storm client and per pulling client, registered through the server (so at its cost).
        printError("bench auth: registering \(clients) + \(pullClients) users through the server…")
        let loginNames = (0..<clients).map { "login\($0)" }
        try await forEach(loginNames, concurrently: 4) { name in try await api.register(name) }
        let pullerDevices = (0..<pullClients).map { _ in UUID().uuidString }
        var pullers: [BenchSession] = []
        for (index, device) in pullerDevices.enumerated() {
            try await api.register("puller\(index)")
            pullers.append(try await api.signIn("puller\(index)", deviceID: device))
        }
        guard let first = pullers.first, let id = UUID(uuidString: first.userID),
            let hash = try await commands.load(User.self, id: UserID(rawValue: id)).state?.passwordHash,
            let cost = Int(hash.dropFirst(4).prefix(2))
        else { throw CLIFailure(.benchmarkFailed, "could not read the stored password hash of puller0") }

        // Each puller owns `pullRows` todos, which every pull (a snapshot page) returns.
        for session in pullers {
            let mutations: [(String, JSONValue)] = (0..<pullRows).map { _ in
                ("todo.create", .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string("pulled")]))
            }
            for chunk in stride(from: 0, to: mutations.count, by: 100) {
                _ = try await api.push(session, Array(mutations[chunk..<min(chunk + 100, mutations.count)]))
            }
        }
        for session in pullers { try await waitForRows(api: api, session: session) }

        let cores = System.coreCount
        let slice = seconds / Double(rounds)
        var baseline = (verifies: 0, seconds: 0.0, cpu: 0.0)
        var storm = (outcomes: LoginOutcomes(), seconds: 0.0, cpu: 0.0)
        let ownPID = getpid()
        var quiet: [Double] = []
        var stormed: [Double] = []
        var pullErrors = 0
        let hasher = PasswordHasher(threads: cores, maxQueued: cores, nice: passwordNice, cgroup: passwordCgroup)
        if let error = hasher.cgroupError { throw CLIFailure(.benchmarkFailed, "the baseline's threads: \(error)") }
        do {
            for round in 1...rounds {
                // Sessions last 15 minutes: sign the pullers in again for each round, on their own devices.
                var renewed: [BenchSession] = []
                for (session, device) in zip(pullers, pullerDevices) { renewed.append(try await api.signIn(session.username, deviceID: device)) }
                pullers = renewed

                printError("bench auth: round \(round)/\(rounds): bcrypt verify alone on \(cores) threads for \(format(slice)) s…")
                let ownCPU = try BenchServerProcess.cpuSeconds(pid: ownPID)
                let verified = try await verifyRate(hasher: hasher, hash: hash, threads: cores, seconds: slice)
                baseline.verifies += verified.verifies
                baseline.seconds += verified.seconds
                baseline.cpu += try BenchServerProcess.cpuSeconds(pid: ownPID) - ownCPU

                printError("bench auth: round \(round)/\(rounds): \(pullClients) client(s) pulling, no storm, for \(format(slice)) s…")
                let calm = try await pulls(api: api, sessions: pullers, for: .milliseconds(Int64(slice * 1000)))
                quiet += calm.latenciesMs
                pullErrors += calm.errors

                printError("bench auth: round \(round)/\(rounds): \(clients) clients signing in, \(pullClients) pulling, for \(format(slice)) s…")
                let serverCPU = try BenchServerProcess.cpuSeconds(pid: serverPID)
                let stormy = try await loginStorm(api: api, pullers: pullers, seconds: slice)
                storm.outcomes.merge(stormy.outcomes)
                storm.seconds += stormy.seconds
                storm.cpu += try BenchServerProcess.cpuSeconds(pid: serverPID) - serverCPU
                stormed += stormy.pulls.latenciesMs
                pullErrors += stormy.pulls.errors
                printError(
                    """
                    bench auth:   bcrypt \(format(Double(verified.verifies) / max(verified.seconds, 0.001)))/s; \
                    logins \(format(Double(stormy.outcomes.succeeded) / max(stormy.seconds, 0.001)))/s \
                    (\(stormy.outcomes.failed) failed, \(stormy.outcomes.busy) busy); \
                    pull p99 \(format(Percentile.of(calm.latenciesMs.sorted(), 0.99))) ms quiet, \
                    \(format(Percentile.of(stormy.pulls.latenciesMs.sorted(), 0.99))) ms in the storm
                    """)
            }
            try await hasher.shutdown()
        } catch {
            try? await hasher.shutdown()
            throw error
        }
        let serverThreadsInCgroup = passwordCgroup.map { Self.threads(of: serverPID, listedIn: $0) } ?? 0
        quiet.sort()
        stormed.sort()
        let logins = storm.outcomes
        let loginLatencies = logins.latenciesMs.sorted()
        let bcryptRate = Double(baseline.verifies) / max(baseline.seconds, 0.001)
        let loginRate = Double(logins.succeeded) / max(storm.seconds, 0.001)
        let bcryptPerCPU = Double(baseline.verifies) / max(baseline.cpu, 0.001)
        let loginsPerCPU = Double(logins.succeeded) / max(storm.cpu, 0.001)
        let quietP99 = Percentile.of(quiet, 0.99)
        let stormP99 = Percentile.of(stormed, 0.99)
        return Report(
            cores: cores, cost: cost, server_password_threads: passwordThreads ?? PasswordHasher.defaultThreads, password_nice: passwordNice,
            password_cgroup: passwordCgroup, server_threads_in_cgroup: serverThreadsInCgroup,
            bcrypt_threads: cores,
            clients: clients, seconds: seconds, rounds: rounds, bcrypt_per_s: round3(bcryptRate), bcrypt_verifies: baseline.verifies,
            logins_per_s: round3(loginRate), logins: logins.succeeded, login_ratio: round3(loginRate / max(bcryptRate, 0.001)),
            bcrypt_cpu_cores: round3(baseline.cpu / max(baseline.seconds, 0.001)), storm_server_cpu_cores: round3(storm.cpu / max(storm.seconds, 0.001)),
            bcrypt_per_cpu_s: round3(bcryptPerCPU), logins_per_server_cpu_s: round3(loginsPerCPU),
            login_cpu_ratio: round3(loginsPerCPU / max(bcryptPerCPU, 0.001)),
            login_errors: logins.failed, busy_refusals: logins.busy, rate_limited: logins.rateLimited,
            login_p50_ms: round3(Percentile.of(loginLatencies, 0.5)), login_p99_ms: round3(Percentile.of(loginLatencies, 0.99)),
            pull_clients: pullClients, pull_interval_ms: pullIntervalMs, pull_rows: pullRows, pulls_quiet: quiet.count, pulls_storm: stormed.count,
            pull_errors: pullErrors, pull_p50_ms_quiet: round3(Percentile.of(quiet, 0.5)), pull_p99_ms_quiet: round3(quietP99),
            pull_p50_ms_storm: round3(Percentile.of(stormed, 0.5)), pull_p99_ms_storm: round3(stormP99),
            pull_p99_ratio: round3(stormP99 / max(quietP99, 0.001))
        )
    }

    /// Verifies the right password against `hash` from `threads` concurrent callers of `hasher` (a
    /// pool of as many threads) for `seconds`: the verifications done and the time they took.
    private func verifyRate(hasher: PasswordHasher, hash: String, threads: Int, seconds: Double) async throws -> (verifies: Int, seconds: Double) {
        let measured = try await AppendBenchmark.measure(writers: threads, seconds: seconds) { _, _ in
            guard try await hasher.verify(SyncBenchmark.password, against: hash) else {
                throw CLIFailure(.benchmarkFailed, "the stored hash does not match the users' password")
            }
        }
        return (measured.operations, measured.seconds)
    }

    /// `clients` concurrent sign-in loops for `seconds` while the pullers pull (from
    /// ``stormLead`` after the start to the end of the storm): the sign-ins' outcomes, the time
    /// until the last one was answered, and the pulls.
    private func loginStorm(api: BenchAPI, pullers: [BenchSession], seconds: Double) async throws -> (
        outcomes: LoginOutcomes, seconds: Double, pulls: PullSamples
    ) {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        let bodies = try (0..<clients).map { index in
            try JSONEncoder().encode(
                LoginRequest(tenantCode: "bench", username: "login\(index)", password: SyncBenchmark.password, deviceID: UUID().uuidString))
        }
        let pullTask = Task {
            try await Task.sleep(until: start + Self.stormLead, clock: clock)
            return try await pulls(api: api, sessions: pullers, for: deadline - clock.now)
        }
        let outcomes = await withTaskGroup(of: LoginOutcomes.self) { group in
            for body in bodies {
                group.addTask {
                    var outcomes = LoginOutcomes()
                    while clock.now < deadline {
                        let begun = clock.now
                        let status = try? await api.send(.POST, "/v1/auth/login", body: body).status
                        outcomes.record(status: status, milliseconds: (clock.now - begun).seconds * 1000)
                    }
                    return outcomes
                }
            }
            var all = LoginOutcomes()
            for await outcomes in group { all.merge(outcomes) }
            return all
        }
        let elapsed = (clock.now - start).seconds
        return (outcomes, elapsed, try await pullTask.value)
    }

    /// Each session pulls a snapshot page (`GET /v1/sync/pull`, no cursor) and waits
    /// `pullIntervalMs`, again and again, for `duration`.
    private func pulls(api: BenchAPI, sessions: [BenchSession], for duration: Duration) async throws -> PullSamples {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        let interval = Duration.milliseconds(pullIntervalMs)
        return try await withThrowingTaskGroup(of: PullSamples.self) { group in
            for session in sessions {
                group.addTask {
                    var samples = PullSamples()
                    while clock.now < deadline {
                        let begun = clock.now
                        let status = try? await api.send(.GET, "/v1/sync/pull?limit=1000", token: session.token).status
                        if status == 200 { samples.latenciesMs.append((clock.now - begun).seconds * 1000) } else { samples.errors += 1 }
                        try await Task.sleep(for: interval)
                    }
                    return samples
                }
            }
            var all = PullSamples()
            for try await samples in group {
                all.latenciesMs += samples.latenciesMs
                all.errors += samples.errors
            }
            return all
        }
    }

    /// The threads of process `pid` whose IDs the thread file of cgroup `directory` lists
    /// (`cgroup.threads`, else `tasks`); 0 when either cannot be read.
    static func threads(of pid: Int32, listedIn directory: String) -> Int {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let listed =
            (try? String(contentsOfFile: base + "/cgroup.threads", encoding: .utf8))
            ?? (try? String(contentsOfFile: base + "/tasks", encoding: .utf8)) ?? ""
        let threads = Set((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? [])
        return listed.split(separator: "\n").filter { threads.contains(String($0)) }.count
    }

    /// Waits until a pull of `session` returns its `pullRows` todos (the projection has caught up).
    private func waitForRows(api: BenchAPI, session: BenchSession) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let (status, body) = try await api.send(.GET, "/v1/sync/pull?limit=1000", token: session.token)
            if status == 200 {
                let page = try JSONDecoder().decode(PullResponse.self, from: Data(body.readableBytesView))
                if page.changes.filter({ $0.entity == .todos }).count >= pullRows { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIFailure(.benchmarkFailed, "the todos of \(session.username) did not reach its pulls within 60 s")
    }

    /// Runs `body` for every element, at most `width` at a time.
    private func forEach(_ elements: [String], concurrently width: Int, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = elements[...]
            for _ in 0..<width {
                guard let next = pending.popFirst() else { break }
                group.addTask { try await body(next) }
            }
            while try await group.next() != nil {
                guard let next = pending.popFirst() else { continue }
                group.addTask { try await body(next) }
            }
        }
    }

    private func round3(_ value: Double) -> Double { Percentile.round3(value) }
    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
