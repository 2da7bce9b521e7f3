import AsyncHTTPClient
import EventStore
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import Testing
import TidemarkTestSupport

/// `synccli serve --drain-seconds`: after SIGTERM the instance keeps serving for the drain period
/// while its readiness answer already says 503, then shuts down gracefully and exits 0.
@Suite("Draining before a graceful shutdown", .timeLimit(.minutes(3)))
struct DrainTests {
    /// The status of `GET path` on `port`, or `nil` when nothing answers.
    static func status(_ path: String, port: Int) async -> Int? {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) else { return nil }
        return Int(response.status.code)
    }

    @Test("after SIGTERM readiness answers 503 while liveness still answers 200, then the server exits 0; --drain-seconds outside 0-60 is refused")
    func drainsThenStops() async throws {
        let database = try await TestDatabase.create(prefix: "cli", from: .server)
        try await withCleanUp {
            let bad = try await SyncCLI.run(["serve", "--port", "0", "--drain-seconds", "61"], database: database.url.database)
            #expect(bad.status == 64 && bad.error.contains("--drain-seconds must be 0-60"), "\(bad.error)")

            // Given a server with a drain period of 4 s, ready
            let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: logURL.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: logURL) }
            let log = try FileHandle(forWritingTo: logURL)
            let process = Process()
            process.executableURL = try SyncCLI.binary()
            process.arguments = ["serve", "--port", "0", "--shutdown-grace", "10", "--drain-seconds", "4", "--push-dispatchers", "0"]
            process.environment = try SyncCLI.environment(database: database.url.database, extra: ["LOG_LEVEL": "info"])
            process.standardOutput = log
            process.standardError = log
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let port = try await ServeProcess.listeningPort(of: process, log: logURL)
            try await eventually("the server is ready") { await Self.status("/v1/health", port: port) == 200 }

            // When it gets SIGTERM
            process.terminate()

            // Then, while it drains, readiness answers 503 and liveness still 200
            try await eventually("readiness says 503", timeout: .seconds(3), interval: .milliseconds(20)) {
                await Self.status("/v1/health", port: port) == 503
            }
            #expect(process.isRunning, "the server must still serve while it drains")
            #expect(await Self.status("/health", port: port) == 200)
            // And afterwards it shuts down gracefully and exits 0
            try await eventually("the server exits", timeout: .seconds(60)) { !process.isRunning }
            try log.close()
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(text)")
            #expect(text.contains("draining"), "\(text)")
        } cleanUp: {
            try? await database.drop()
        }
    }

    /// The body of `GET path` on `port`, or `""` when nothing answers.
    static func body(_ path: String, port: Int) async -> String {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
            let body = try? await response.body.collect(upTo: 1 << 16)
        else { return "" }
        return String(buffer: body)
    }

    /// Readiness asks `pg_is_in_recovery()` unqualified. The test cannot afford a real standby, so
    /// it gives the database a schema ahead of `pg_catalog` in its `search_path` with a function
    /// of that name whose answer it controls: the server runs unchanged against a database that
    /// says it is in recovery, then that it is not.
    @Test("readiness answers 503 while the database says it is in recovery (a standby), liveness 200; 200 again once it is not")
    func inRecovery() async throws {
        let database = try await TestDatabase.create(prefix: "cli", from: .server)
        try await withCleanUp {
            try await withStore(url: database.url) { store in
                let name = database.url.database
                for statement in [
                    "CREATE SCHEMA recovery_seam",
                    "CREATE FUNCTION recovery_seam.pg_is_in_recovery() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
                    "ALTER DATABASE \"\(name)\" SET search_path = public, recovery_seam, pg_catalog",
                ] {
                    _ = try await store.client.query(PostgresQuery(unsafeSQL: statement), logger: store.logger)
                }

                // Given a server on a database that says it is in recovery
                let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-\(UUID().uuidString).log")
                FileManager.default.createFile(atPath: logURL.path, contents: nil)
                defer { try? FileManager.default.removeItem(at: logURL) }
                let log = try FileHandle(forWritingTo: logURL)
                let process = Process()
                process.executableURL = try SyncCLI.binary()
                process.arguments = ["serve", "--port", "0", "--shutdown-grace", "10", "--push-dispatchers", "0", "--no-migrate"]
                process.environment = try SyncCLI.environment(database: name, extra: ["LOG_LEVEL": "info"])
                process.standardOutput = log
                process.standardError = log
                try process.run()
                defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
                let port = try await ServeProcess.listeningPort(of: process, log: logURL)

                // Then readiness says 503 and why; liveness says 200
                #expect(await Self.status("/v1/health", port: port) == 503)
                let body = await Self.body("/v1/health", port: port)
                #expect(body.contains("in recovery") && body.contains("unavailable"), "\(body)")
                #expect(await Self.status("/health", port: port) == 200)

                // When the database no longer says so, readiness is 200 again within a second or so
                _ = try await store.client.query(
                    "CREATE OR REPLACE FUNCTION recovery_seam.pg_is_in_recovery() RETURNS boolean LANGUAGE sql AS 'SELECT false'",
                    logger: store.logger)
                try await eventually("readiness says 200", timeout: .seconds(10)) { await Self.status("/v1/health", port: port) == 200 }

                process.terminate()
                try await eventually("the server exits", timeout: .seconds(30)) { !process.isRunning }
                try log.close()
                #expect(process.terminationReason == .exit && process.terminationStatus == 0)
            }
        } cleanUp: {
            try? await database.drop()
        }
    }
}
