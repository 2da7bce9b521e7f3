import EventStore
import Foundation
import Testing
import TidemarkTestSupport

/// `synccli bench auth` run as a real process: a short run (figures present, nothing timed) and its option checks.
@Suite("synccli bench auth", .timeLimit(.minutes(4)))
struct AuthBenchCLITests {
    @Test("a short run ends with one JSON line holding every promised key, and no sign-in fails")
    func shortRun() async throws {
        // Given an empty database whose name the benchmark's own database derives from
        let base = try await TestDatabase.create(prefix: "ab")
        let bench = base.url.database + "_bench_auth"
        try await withCleanUp {
            // When the benchmark runs with 4 storm clients for 1 second per measurement
            let run = try await SyncCLI.run(
                [
                    "bench", "auth", "--clients", "4", "--seconds", "1", "--rounds", "1", "--pull-clients", "1", "--pull-rows", "5",
                    "--port", String(Int.random(in: 20_000..<30_000)), "--json",
                ],
                database: base.url.database)

            // Then the last line is the JSON report with the keys of the issue, and every sign-in succeeded
            #expect(run.status == 0, "\(run.error)")
            let line = try #require(run.output.split(separator: "\n").last, "no output: \(run.error)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let keys = [
                "logins_per_s", "bcrypt_per_s", "login_ratio", "pull_p99_ms_quiet", "pull_p99_ms_storm", "cores", "cost", "clients", "seconds",
                "login_errors", "busy_refusals",
            ]
            for key in keys { #expect(report[key] != nil, "no \(key) in \(line)") }
            #expect(report["clients"] as? Int == 4, "\(line)")
            #expect((report["logins"] as? Int ?? 0) > 0 && (report["bcrypt_verifies"] as? Int ?? 0) > 0, "\(line)")
            #expect(report["login_errors"] as? Int == 0 && report["pull_errors"] as? Int == 0, "\(line)\n\(run.error)")
            #expect((report["pulls_quiet"] as? Int ?? 0) > 0 && (report["pulls_storm"] as? Int ?? 0) > 0, "\(line)")
        } cleanUp: {
            try? await DatabaseAdmin(url: base.url).dropDatabase(bench)
            try? await base.drop()
        }
    }

    @Test(
        "bad options are refused with exit 64 and a clear message",
        arguments: [
            (["--clients", "0"], "--clients must be 1-1000"),
            (["--clients", "1001"], "--clients must be 1-1000"),
            (["--seconds", "0.5"], "--seconds must be 1-600"),
            (["--seconds", "601"], "--seconds must be 1-600"),
            (["--rounds", "0"], "--rounds must be 1-20"),
            (["--seconds", "3", "--rounds", "4"], "--seconds / --rounds must be at least 1 second"),
            (["--pull-clients", "0"], "--pull-clients must be 1-64"),
            (["--pull-interval-ms", "10001"], "--pull-interval-ms must be 0-10000"),
            (["--pull-rows", "1001"], "--pull-rows must be 1-1000"),
            (["--password-threads", "65"], "--password-threads must be 1-64"),
            (["--password-nice", "20"], "--password-nice must be 0-19"),
            (["--port", "80"], "--port must be 1024-65535"),
        ])
    func badOptions(arguments: [String], message: String) async throws {
        let run = try await SyncCLI.run(["bench", "auth"] + arguments, database: nil)
        #expect(run.status == 64, "\(arguments): \(run.error)")
        #expect(run.error.contains(message), "\(arguments): \(run.error)")
    }
}
