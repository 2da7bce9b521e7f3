import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

/// `synccli replica …` run as a real process against a real server on loopback.
@Suite("synccli replica", .timeLimit(.minutes(3)))
struct ReplicaCLITests {
    @Test("init, offline writes, sync and status through the command line; bad input answers clearly and changes nothing")
    func offlineRoundTrip() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replica-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let db = folder.appendingPathComponent("ana.sqlite").path
            let database = h.server.database.url.database
            func replica(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
                try await SyncCLI.run(["replica"] + arguments + ["--db", db], database: database)
            }

            // A new replica needs a server; a wrong password is refused without a session.
            let noServer = try await replica(["init", "--tenant", "acme", "--user", "ana", "--password", "correct horse battery"])
            #expect(noServer.status == 64 && noServer.error.contains("--server is required for a new replica"), "\(noServer.error)")
            let wrong = try await replica(["init", "--server", h.server.baseURL, "--tenant", "acme", "--user", "ana", "--password", "not the password"])
            #expect(wrong.status == 1, "\(wrong.output) \(wrong.error)")
            #expect(wrong.error.contains("error: "), "\(wrong.error)")

            let signIn = try await replica(["init", "--server", h.server.baseURL, "--tenant", "acme", "--user", "ana", "--password", "correct horse battery"])
            #expect(signIn.status == 0, "\(signIn.error)")
            #expect(signIn.output.contains("signed in as ana (user \(ana.userID)"), "\(signIn.output)")

            // Offline work: the server is stopped; writes queue in the file.
            let port = h.server.port
            try await h.server.stop()
            let added = try await replica(["todo", "add", "Buy milk", "--priority", "high"])
            #expect(added.status == 0, "\(added.error)")
            let todo = try #require(added.output.split(separator: " ").dropFirst().first.map(String.init))
            let done = try await replica(["todo", "done", String(todo.prefix(8))])
            #expect(done.status == 0 && done.output.contains("todo \(todo) completed"), "\(done.output) \(done.error)")
            let offline = try await replica(["sync"])
            #expect(offline.status == 1 && offline.error.contains("hint: is the server running?"), "\(offline.error)")
            let queued = try await replica(["status", "--json"])
            let status = try JSONSerialization.jsonObject(with: Data(queued.output.utf8)) as? [String: Any]
            #expect((status?["queue"] as? [Any])?.count == 2, "\(queued.output)")

            // Bad input is refused with a clear message and queues nothing.
            let unknown = try await replica(["todo", "done", "zzzz"])
            #expect(unknown.status == 64 && unknown.error.contains("no todos row has an id starting with zzzz"), "\(unknown.error)")
            let badDate = try await replica(["todo", "add", "Later", "--due", "tomorrow"])
            #expect(badDate.status == 64 && badDate.error.contains("--due must be an ISO-8601 date-time"), "\(badDate.error)")
            let still = try await replica(["status", "--json"])
            let after = try JSONSerialization.jsonObject(with: Data(still.output.utf8)) as? [String: Any]
            #expect((after?["queue"] as? [Any])?.count == 2, "\(still.output)")

            // Back online: one sync sends both, and the server's read model shows the result.
            let back = TestServer(database: h.server.database, logger: h.logger, port: port)
            try await back.start()
            let synced = try await replica(["sync"])
            #expect(synced.status == 0 && synced.output.contains("pushed 2 (applied 2, rejected 0)"), "\(synced.output) \(synced.error)")
            try await eventually("the todo is completed on the server") {
                let rows = try await h.store.client.query(
                    "SELECT status, priority FROM read.todos WHERE todo_id = \(UUID(uuidString: todo)) AND owner_id = \(UUID(uuidString: ana.userID))"
                )
                for try await (status, priority) in rows.decode((String, String).self) { return status == "completed" && priority == "high" }
                return false
            }
            try await back.stop()
        }
    }
}
