import EventStore
import Foundation
import Testing
import TidemarkTestSupport

/// `synccli bench load` run as a real process: a short run against a real server, and its option checks.
@Suite("synccli bench load", .timeLimit(.minutes(4)))
struct LoadBenchCLITests {
    @Test("a short run against a server ends with the JSON figures; nothing lost or duplicated")
    func shortRun() async throws {
        try await ServeProcess.with { server in
            // Given a running server and its database
            let pid = try #require(server.pid)
            let timeline = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).jsonl")
            defer { try? FileManager.default.removeItem(at: timeline) }

            // When 5 devices run against it for 3 seconds
            let run = try await SyncCLI.run(
                [
                    "bench", "load", "--devices", "5", "--seconds", "3", "--ramp-seconds", "1", "--warmup-seconds", "1", "--interval-ms", "1000",
                    "--target", server.baseURL, "--server-pid", String(pid), "--timeline", timeline.path,
                ],
                database: server.database.url.database)

            // Then the last line is the JSON report, with every promised key
            #expect(run.status == 0, "\(run.error)")
            let line = try #require(run.output.split(separator: "\n").last, "no output: \(run.error)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let keys = [
                "devices", "seconds", "requests", "errors", "error_rate", "push_p50_ms", "push_p99_ms", "pull_p99_ms", "live_p99_ms",
                "server_rss_mb", "lost", "duplicated",
            ]
            for key in keys { #expect(report[key] != nil, "no \(key) in \(line)") }
            #expect(report["devices"] as? Int == 5 && report["seconds"] as? Int == 3, "\(line)")
            #expect((report["requests"] as? Int ?? 0) > 0, "\(line)")
            #expect((report["pushes"] as? Int ?? 0) > 0, "\(line)")
            #expect((report["mutations_answered"] as? Int ?? 0) > 0, "\(line)")
            #expect(report["lost"] as? Int == 0 && report["duplicated"] as? Int == 0, "\(line)\n\(run.error)")
            #expect((report["server_rss_mb"] as? Double ?? 0) > 0, "\(line)")

            // And the timeline holds one object per second, with the sign-ins in the ramp-up
            let rows = try String(contentsOf: timeline, encoding: .utf8).split(separator: "\n").map { row in
                try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            }
            #expect(rows.count >= 4, "\(rows)")
            #expect(rows.contains { ($0["kinds"] as? [String: Any])?["login"] != nil }, "\(rows)")
            #expect(rows.contains { $0["phase"] as? String == "measure" && ($0["kinds"] as? [String: Any])?["push"] != nil }, "\(rows)")
        }
    }

    @Test(
        "bad options are refused with exit 64 and a clear message",
        arguments: [
            (["--devices", "0"], "--devices must be 1-100000"),
            (["--devices", "100001"], "--devices must be 1-100000"),
            (["--seconds", "0"], "--seconds must be 1-86400"),
            (["--seconds", "86401"], "--seconds must be 1-86400"),
            (["--interval-ms", "99"], "--interval-ms must be 100-600000"),
            (["--ramp-seconds", "3601"], "--ramp-seconds must be 0-3600"),
            (["--warmup-seconds", "601"], "--warmup-seconds must be 0-600"),
            (["--target", "ftp://127.0.0.1:8080"], "--target must be an http:// or https:// URL"),
            (["--target", "127.0.0.1:8080"], "--target must be an http:// or https:// URL"),
            (["--server-pid", "123"], "--server-pid needs --target"),
        ])
    func badOptions(arguments: [String], message: String) async throws {
        let run = try await SyncCLI.run(["bench", "load"] + arguments, database: nil)
        #expect(run.status == 64, "\(arguments): \(run.error)")
        #expect(run.error.contains(message), "\(arguments): \(run.error)")
    }
}
