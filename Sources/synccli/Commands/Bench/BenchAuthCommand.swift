import ArgumentParser
import CommandLineSupport
import Commands
import EventStore
import Foundation

/// `synccli bench auth`: sign-ins per second under a storm against bcrypt alone, and pull latency
/// with and without the storm, against a server process.
struct BenchAuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Sign-ins per second at 32 concurrent clients vs bcrypt alone, and pull p99 with and without a sign-in storm.",
        discussion: """
            In a fresh database (<database>_bench_auth by default, dropped and created anew), starts this binary \
            as `synccli serve` on --port as a separate process (its default password pool: one thread per core, \
            unless --password-threads; nice value 10, unless --password-nice; in the cgroup of --password-cgroup, \
            if given), registers one user per storm client and per pulling client through \
            `POST /v1/auth/register` (so their passwords are hashed at the server's bcrypt cost, read back from a \
            stored hash), gives each pulling client --pull-rows todos, then measures, for --seconds each in all, \
            cut into --rounds slices taken in turn (bcrypt, quiet, storm, bcrypt, …):
              1. bcrypt alone (bcrypt_per_s): PasswordHashing.verify of the users' password against a stored \
            hash, in this process, from a pool of as many threads as the machine has cores (a \
            PasswordHasher at the server's nice value, like the server's), while the server is idle: what \
            these cores can verify;
              2. quiet pulls (pull_p99_ms_quiet): --pull-clients signed-in clients each send \
            `GET /v1/sync/pull` (no cursor: a snapshot page of its todos), wait --pull-interval-ms, and again;
              3. storm (logins_per_s, pull_p99_ms_storm): --clients clients each send `POST /v1/auth/login` \
            (right password, one device each) over loopback HTTP, the next as soon as the last is answered; \
            the pulls of 2 run alongside, from 0.5 s after the storm starts until its end. logins_per_s is \
            the successful sign-ins over the time until the last one was answered.
            bcrypt_cpu_cores and storm_server_cpu_cores are the CPU time this process used in 1 and the server \
            process in 3, over their wall time: on a machine busy with other work they show what share of the \
            cores each got; login_cpu_ratio compares sign-ins per second of the server's CPU with verifications \
            per second of this process's CPU.
            login_ratio = logins_per_s / bcrypt_per_s (target ≥ 0.8); pull_p99_ratio = pull_p99_ms_storm / \
            pull_p99_ms_quiet (target < 2). A sign-in answered otherwise than 200 is a failure: login_errors, of \
            which busy_refusals (503: the server's password queue was full) and rate_limited (429). The server, \
            PostgreSQL and this process share the machine's cores, as in production on one host.

            Progress goes to standard error; standard output gets a summary and, with --json, ends with one JSON \
            line: logins_per_s, bcrypt_per_s, login_ratio, pull_p99_ms_quiet, pull_p99_ms_storm, cores, cost, \
            clients, seconds, login_errors, busy_refusals, and more. Build with -c release (`make bench-auth`).

            Examples:
              synccli bench auth
              synccli bench auth --seconds 20 --rounds 4 --json | tail -1 | jq .login_ratio
              synccli bench auth --clients 64 --password-threads 1
              synccli bench auth --password-nice 0     # the password threads at the server's own priority
              synccli bench auth --password-cgroup /sys/fs/cgroup/cpu/tidemark-passwords   # see docs/operations.md
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Concurrent sign-in clients of the storm (1-1000).")
    var clients: Int = 32

    @Option(help: "Seconds of each measurement (bcrypt alone, quiet pulls, storm), all rounds together (1-600).")
    var seconds: Double = 15

    @Option(help: "Slices each measurement is cut into, taken in turn with the others (1-20; at least 1 s each).")
    var rounds: Int = 3

    @Option(help: "Signed-in clients pulling during the quiet and the storm measurements (1-64).")
    var pullClients: Int = 2

    @Option(help: "Milliseconds a pulling client waits between its pulls (0-10000).")
    var pullIntervalMs: Int = 20

    @Option(help: "Todos of each pulling client, returned by each of its pulls (1-1000).")
    var pullRows: Int = 100

    @Option(help: "The server's --password-threads (1-64; default: the server's default, one per core).")
    var passwordThreads: Int?

    @Option(help: "The server's --password-nice, and the nice value of the baseline's threads (0-19).")
    var passwordNice: Int = PasswordHasher.serverNice

    @Option(help: "The server's --password-cgroup, also the cgroup of the baseline's threads (default: none).")
    var passwordCgroup: String?

    @Option(help: "Port of the benchmark server (1024-65535).")
    var port: Int = 18_092

    @Option(help: "Database to (re)create for the benchmark (default: <database>_bench_auth).")
    var benchDatabase: String?

    @Flag(
        help:
            "End with one JSON line: {logins_per_s, bcrypt_per_s, login_ratio, pull_p99_ms_quiet, pull_p99_ms_storm, cores, cost, clients, seconds, login_errors, busy_refusals, …}."
    )
    var json = false

    func validate() throws {
        guard (1...1000).contains(clients) else { throw ValidationError("--clients must be 1-1000") }
        guard seconds >= 1, seconds <= 600 else { throw ValidationError("--seconds must be 1-600") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1-20") }
        guard seconds / Double(rounds) >= 1 else { throw ValidationError("--seconds / --rounds must be at least 1 second") }
        guard (1...64).contains(pullClients) else { throw ValidationError("--pull-clients must be 1-64") }
        guard (0...10_000).contains(pullIntervalMs) else { throw ValidationError("--pull-interval-ms must be 0-10000") }
        guard (1...1000).contains(pullRows) else { throw ValidationError("--pull-rows must be 1-1000") }
        if let passwordThreads, !(1...64).contains(passwordThreads) { throw ValidationError("--password-threads must be 1-64") }
        guard (0...19).contains(passwordNice) else { throw ValidationError("--password-nice must be 0-19") }
        if let passwordCgroup, passwordCgroup.isEmpty { throw ValidationError("--password-cgroup must name a directory") }
        guard (1024...65_535).contains(port) else { throw ValidationError("--port must be 1024-65535") }
    }

    func run() async throws {
        let base = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.bench")
        let benchmark = AuthBenchmark(
            clients: clients, seconds: seconds, rounds: rounds, pullClients: pullClients, pullIntervalMs: pullIntervalMs, pullRows: pullRows,
            port: port, passwordThreads: passwordThreads, passwordNice: passwordNice, passwordCgroup: passwordCgroup, logger: logger
        )
        let name = benchDatabase ?? "\(base.database)_bench_auth"
        let report = try await CLIFailure.reporting {
            try await benchmark.run(base: base, databaseName: name)
        }
        print(
            """
            bcrypt alone   \(report.bcrypt_per_s) verifies/s on \(report.bcrypt_threads) threads (\(report.cores) cores, cost \(report.cost), nice \(report.password_nice)\
            \(report.password_cgroup.map { ", cgroup \($0): \(report.server_threads_in_cgroup) of the server's threads" } ?? "")); \
            \(report.bcrypt_cpu_cores) cores' worth of CPU (the server's in the storm: \(report.storm_server_cpu_cores)); \
            per second of CPU: \(report.bcrypt_per_cpu_s) verifies, \(report.logins_per_server_cpu_s) logins (ratio \(report.login_cpu_ratio))
            logins         \(report.logins_per_s)/s at \(report.clients) clients (server: \(report.server_password_threads) password threads); \
            ratio \(report.login_ratio) (target ≥ 0.8); \(report.login_errors) failed (\(report.busy_refusals) busy, \(report.rate_limited) rate-limited); \
            p50 \(report.login_p50_ms) ms, p99 \(report.login_p99_ms) ms
            pull           p99 \(report.pull_p99_ms_quiet) ms quiet (\(report.pulls_quiet) pulls), \(report.pull_p99_ms_storm) ms in the storm \
            (\(report.pulls_storm) pulls); ratio \(report.pull_p99_ratio) (target < 2); p50 \(report.pull_p50_ms_quiet) / \(report.pull_p50_ms_storm) ms; \
            \(report.pull_errors) failed
            """)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
