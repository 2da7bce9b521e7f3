import EventStore
import Foundation
import Testing
import TidemarkTestSupport

/// `--log-format json` (and `LOG_FORMAT`): `synccli serve` writes one JSON object per line, and
/// every request's line carries its request id.
@Suite("JSON log lines", .timeLimit(.minutes(3)))
struct LogFormatTests {
    @Test("a bad --log-format or LOG_FORMAT is refused with a clear error")
    func badFormat() async throws {
        let option = try await SyncCLI.run(["events", "status", "--log-format", "yaml"], database: nil)
        #expect(option.status == 64, "\(option.error)")
        #expect(option.error.contains("--log-format must be text or json"), "\(option.error)")
        let variable = try await SyncCLI.run(["events", "status"], database: nil, environment: ["LOG_FORMAT": "xml"])
        #expect(variable.status == 64, "\(variable.error)")
        #expect(variable.error.contains("LOG_FORMAT must be text or json"), "\(variable.error)")
    }

    @Test("synccli serve --log-format json writes JSON lines; each request's line has its id, and a hostile id is never written")
    func jsonLines() async throws {
        let database = try await TestDatabase.create(prefix: "cli", from: .server)
        try await withCleanUp {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jsonlog-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let errURL = directory.appendingPathComponent("err")
            let outURL = directory.appendingPathComponent("out")
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
            FileManager.default.createFile(atPath: outURL.path, contents: nil)
            let err = try FileHandle(forWritingTo: errURL)
            let out = try FileHandle(forWritingTo: outURL)
            let process = Process()
            process.executableURL = try SyncCLI.binary()
            process.arguments = ["serve", "--port", "0", "--shutdown-grace", "10", "--push-dispatchers", "0", "--log-format", "json"]
            process.environment = try SyncCLI.environment(database: database.url.database, extra: ["LOG_LEVEL": "info", "LOG_FORMAT": "text"])
            process.standardOutput = out
            process.standardError = err
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let port = try await ServeProcess.listeningPort(of: process, log: errURL)

            // Given a request with a safe id and one with a hostile id
            let hostile = "hostile-" + String(repeating: "h", count: 80)
            let safe = try await HTTPCall.send(.GET, "http://127.0.0.1:\(port)/v1/sync/pull", headers: [("X-Request-Id", "json-log-1")])
            #expect(safe.status == 401 && safe.requestID == "json-log-1")
            let refused = try await HTTPCall.send(.GET, "http://127.0.0.1:\(port)/v1/sync/pull", headers: [("X-Request-Id", hostile)])
            #expect(refused.status == 401)
            let generated = try #require(refused.requestID)
            try await eventually("both requests are logged") {
                let text = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
                return text.contains("json-log-1") && text.contains(generated)
            }
            process.terminate()
            try await eventually("the server exits", timeout: .seconds(60)) { !process.isRunning }
            try err.close()
            try out.close()

            // Then every line is one JSON object with the fixed members
            let text = try String(contentsOf: errURL, encoding: .utf8)
            #expect(!text.contains("hostile-"), "a hostile request id was written: \(text)")
            let lines = text.split(separator: "\n")
            #expect(lines.count >= 3)
            var objects: [[String: Any]] = []
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                let parsed = try #require(object, "not a JSON object: \(line)")
                for key in ["time", "level", "label", "message", "source"] {
                    #expect(parsed[key] is String, "\(key) missing in \(line)")
                }
                let time = parsed["time"] as? String ?? ""
                #expect(time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(time)")
                #expect(parsed["label"] as? String == "tidemark.server")
                objects.append(parsed)
            }
            // And each request's line carries its id, route and status
            let finished = objects.filter { $0["message"] as? String == "request finished" }
            let first = try #require(finished.first { $0["hb.request.id"] as? String == "json-log-1" }, "\(text)")
            #expect(first["level"] as? String == "info")
            #expect(first["http.route"] as? String == "/v1/sync/pull")
            #expect(first["http.status"] as? String == "401")
            #expect(first["http.method"] as? String == "GET")
            #expect(first["duration_ms"] is String)
            #expect(finished.contains { $0["hb.request.id"] as? String == generated }, "\(text)")
        } cleanUp: {
            try? await database.drop()
        }
    }
}
