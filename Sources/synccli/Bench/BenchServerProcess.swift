import AsyncHTTPClient
import CommandLineSupport
import Foundation
import NIOCore
import NIOHTTP1

/// `synccli serve` started as a child process for a benchmark, so that its memory can be read on
/// its own (`/proc/<pid>/status`) and clients and server do not share a process.
final class BenchServerProcess: Sendable {
    private let process: Process
    let port: Int

    /// Starts this very binary as `serve` on `port` against `databaseURL`, with `--no-request-limits`
    /// unless `requestLimits`, and `extraArguments` after the others (for example
    /// `["--password-threads", "4"]`).
    init(
        databaseURL: String, port: Int, secret: String, maximumConnections: Int, requestLimits: Bool = false, extraArguments: [String] = []
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments =
            ["serve", "--port", String(port), "--max-connections", String(maximumConnections)] + (requestLimits ? [] : ["--no-request-limits"])
            + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["TIDEMARK_JWT_SECRET"] = secret
        environment["LOG_LEVEL"] = environment["BENCH_SERVER_LOG_LEVEL"] ?? "warning"
        process.environment = environment
        try process.run()
        self.process = process
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var pid: Int32 { process.processIdentifier }

    /// Waits until `GET /health` answers.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw CLIFailure(.benchmarkFailed, "the benchmark server exited with status \(process.terminationStatus)") }
            let request = HTTPClientRequest(url: baseURL + "/health")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIFailure(.benchmarkFailed, "the benchmark server did not answer /health within \(timeout)")
    }

    /// The resident memory of the server process, in bytes.
    func residentBytes() throws -> Int {
        try Self.memory("VmRSS", pid: pid)
    }

    /// A memory figure (`VmRSS`, `VmHWM`: the peak resident memory, …) of process `pid` from
    /// `/proc/<pid>/status`, in bytes.
    static func memory(_ field: String, pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("\(field):") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        throw CLIFailure(.benchmarkFailed, "no \(field) in /proc/\(pid)/status")
    }

    /// The CPU time (user and system) process `pid` has used so far, in seconds, from
    /// `/proc/<pid>/stat`.
    static func cpuSeconds(pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The fields after the command name (which may hold spaces), from the third, `state`, on.
        guard let close = stat.lastIndex(of: ")") else { throw CLIFailure(.benchmarkFailed, "unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw CLIFailure(.benchmarkFailed, "unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Stops the server (SIGTERM: graceful shutdown) and waits for it.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { kill(pid, SIGKILL) }
    }
}
