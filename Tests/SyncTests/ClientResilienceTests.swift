import EventStore
import Foundation
import GRDB
import Logging
import PostgresNIO
import SyncClient
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// How a real replica copes with expired tokens and a server that goes away, over real HTTP.
@Suite("Replica resilience over real HTTP", .timeLimit(.minutes(3)))
struct ClientResilienceTests {
    /// A client on `path` pointed at `url`, whose back-off sleeps are recorded in `sleeps`.
    static func client(path: String, url: String, logger: Logger, sleeps: Locked<[Duration]>) async throws -> SyncClient {
        var quiet = logger
        quiet.logLevel = ProcessInfo.processInfo.environment["TIDEMARK_TEST_CLIENT_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        // Jitter pinned to its upper bound, so the waits are known: 0.1, 0.2, 0.4, 0.4 … s (2.3 s in all).
        let policy = RetryPolicy(
            base: .milliseconds(100), cap: .milliseconds(400), maxAttempts: 8, random: { 1 },
            sleep: { delay in
                sleeps.withLock { $0.append(delay) }
                try await Task.sleep(for: delay)
            })
        return try await SyncClient(configuration: .init(databasePath: path, serverURL: url, logger: quiet, retryPolicy: policy))
    }

    @Test("a token the server calls expired while the device believes it valid (clock skew) is refreshed once, and the sync carries on")
    func reactiveRefresh() async throws {
        try await SyncHarness.with(configure: { $0.auth.accessTokenSeconds = 2 }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("resilience-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let sleeps = Locked<[Duration]>([])
            let first = try await Self.client(path: path, url: h.server.baseURL, logger: h.logger, sleeps: sleeps)
            try await first.login(tenantCode: "acme", username: "ana", password: "correct horse battery")
            try await first.close()
            // The server now issues hour-long tokens, so only the expired one needs a refresh.
            let port = h.server.port
            try await h.server.stop()
            let server = TestServer(database: h.server.database, logger: h.logger, port: port) { $0.auth.accessTokenSeconds = 3600 }
            try await server.start()
            // The device's clock is behind the server's: it believes its token lasts another hour.
            let file = try DatabaseQueue(path: path)
            try await file.write { db in
                try db.execute(
                    sql: "UPDATE sync_state SET value = ? WHERE key = 'access_expires_at'",
                    arguments: [String(Date().timeIntervalSince1970 + 3600)]
                )
            }
            try file.close()
            try await Task.sleep(for: .seconds(3))
            let client = try await Self.client(path: path, url: h.server.baseURL, logger: h.logger, sleeps: sleeps)
            let todo = UUID().uuidString.lowercased()
            _ = try await client.mutate(.todoCreate, args: .object(["todo_id": .string(todo), "title": .string("after a 401")]))
            let report = try await client.sync()
            #expect(report.pushed == 1 && report.applied == 1)
            #expect(await client.state == .idle)
            // The refresh rotated the session once; no sign-in and no retry loop.
            let rows = try await h.store.client.query(
                "SELECT rotations FROM auth_sessions WHERE user_id = \(UUID(uuidString: ana.userID)) AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1"
            )
            var rotations: Int32 = -1
            for try await value in rows.decode(Int32.self) { rotations = value }
            #expect(rotations == 1)
            #expect(sleeps.value.isEmpty)
            try await client.close()
            try await server.stop()
        }
    }

    @Test("the server goes away: the client backs off, goes offline keeping its queue, and delivers once the server is back")
    func serverAway() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            _ = try await h.signUp("ana", tenantCode: "acme")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("resilience-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let sleeps = Locked<[Duration]>([])
            let client = try await Self.client(path: path, url: h.server.baseURL, logger: h.logger, sleeps: sleeps)
            try await client.login(tenantCode: "acme", username: "ana", password: "correct horse battery")
            let port = h.server.port
            try await h.server.stop()

            let todo = UUID().uuidString.lowercased()
            _ = try await client.mutate(.todoCreate, args: .object(["todo_id": .string(todo), "title": .string("written offline")]))
            let failure = await #expect(throws: SyncClientError.self) { try await client.sync() }
            #expect(failure?.code == .network)
            if case .offline = await client.state {} else { Issue.record("the client should be offline, not \(await client.state)") }
            // Seven back-offs between eight attempts, each within the policy's bounds.
            #expect(sleeps.value.count == 7)
            #expect(sleeps.value.allSatisfy { $0 <= .milliseconds(400) })
            #expect(try await client.queuedMutations().count == 1)
            #expect(try await client.row(.todos, key: todo)?["title"]?.stringValue == "written offline")

            // The server comes back while the next sync is backing off.
            sleeps.withLock { $0.removeAll() }
            let back = TestServer(database: h.server.database, logger: h.logger, port: port)
            // It comes back once the sync has failed an attempt and backs off (not after a fixed
            // delay: under a busy run the first attempt could start after the server is back).
            let restart = Task {
                while sleeps.value.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
                try await back.start()
            }
            defer { restart.cancel() }
            let report = try await client.sync()
            try await restart.value
            #expect(report.pushed == 1 && report.applied == 1)
            #expect(!sleeps.value.isEmpty, "the sync should have retried while the server was down")
            #expect(await client.state == .idle)
            try await eventually("the todo is in the read model") {
                let rows = try await h.store.client.query("SELECT count(*)::int8 FROM read.todos WHERE todo_id = \(UUID(uuidString: todo))")
                for try await count in rows.decode(Int64.self) { return count == 1 }
                return false
            }
            // Applied once, although the sync tried several times.
            let events = try await h.store.readAll(stream: try StreamName("todo-\(todo)"))
            #expect(events.map(\.type) == ["TodoCreated"])
            try await client.close()
            try await back.stop()
        }
    }

    /// Refuses (or again allows) new connections to `database` and ends the ones it has, through a
    /// connection to the base database (`DATABASE_URL`).
    static func setDatabaseReachable(_ reachable: Bool, _ database: String) async throws {
        try await setConnectionsAllowed(reachable, to: database)
        if !reachable {
            try await endConnections(to: database)
            // Let the server's pool see its connections close before the next request. A request
            // that leases a connection at the very moment the server terminates it can, rarely,
            // wait for an answer the driver never delivers (seen under the full suite's load), and
            // the request deadline cannot abandon it; that race is not what this test is about.
            try await Task.sleep(for: .seconds(1))
        }
    }

    @Test("the database goes away: a push answers 503 unavailable, and the client's retries deliver it once the database is back")
    func databaseAway() async throws {
        try await SyncHarness.with(configure: { $0.requestDeadline = .seconds(3) }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let database = h.server.database.url.database
            try await Self.setDatabaseReachable(false, database)
            do {
                let started = ContinuousClock.now
                let answer = try await h.call(
                    .POST, "/v1/sync/push",
                    body: SyncPushRequest(mutations: [
                        Mutation(id: "m1", seq: 1, name: "todo.create", args: .object(["todo_id": .string(UUID().uuidString), "title": .string("x")]))
                    ]), token: ana.token, timeoutSeconds: 60)
                #expect(answer.status == 503, "\(answer.status) \(answer.text)")
                #expect(ContinuousClock.now - started < .seconds(15))
            } catch {
                try await Self.setDatabaseReachable(true, database)
                throw error
            }
            // A replica syncs while the database is still away; it comes back a few seconds later.
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("resilience-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let sleeps = Locked<[Duration]>([])
            try await Self.setDatabaseReachable(true, database)
            let client = try await Self.client(path: path, url: h.server.baseURL, logger: h.logger, sleeps: sleeps)
            try await client.login(tenantCode: "acme", username: "ana", password: "correct horse battery")
            try await Self.setDatabaseReachable(false, database)
            let todo = UUID().uuidString.lowercased()
            _ = try await client.mutate(.todoCreate, args: .object(["todo_id": .string(todo), "title": .string("while the database was away")]))
            let restore = Task {
                try await Task.sleep(for: .seconds(4))
                try await Self.setDatabaseReachable(true, database)
            }
            let report: SyncReport
            do {
                report = try await client.sync()
            } catch {
                try await restore.value
                throw error
            }
            try await restore.value
            #expect(report.pushed == 1 && report.applied == 1)
            #expect(!sleeps.value.isEmpty, "the sync should have retried the 503 answers")
            let events = try await h.store.readAll(stream: try StreamName("todo-\(todo)"))
            #expect(events.map(\.type) == ["TodoCreated"])
            try await client.close()
        }
    }

    @Test("a live replica reconnects after the server restarts and sees the other device's changes again")
    func liveReconnect() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let phone = try await h.signUp("ana", tenantCode: "acme")
            let todo = UUID().uuidString.lowercased()
            _ = try await phone.push([("todo.create", .object(["todo_id": .string(todo), "title": .string("v1")]))])
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("resilience-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let tablet = try await Self.client(path: path, url: h.server.baseURL, logger: h.logger, sleeps: Locked([]))
            try await tablet.login(tenantCode: "acme", username: "ana", password: "correct horse battery")
            let live = Task { await tablet.run() }
            func title() async throws -> String? { try await tablet.row(.todos, key: todo)?["title"]?.stringValue }
            try await eventually("the tablet has the todo") { try await title() == "v1" }

            let port = h.server.port
            try await h.server.stop()
            let back = TestServer(database: h.server.database, logger: h.logger, port: port)
            try await back.start()
            _ = try await phone.push([("todo.edit", .object(["todo_id": .string(todo), "title": .string("v2")]))])
            try await eventually("the tablet sees the edit made after the restart") { try await title() == "v2" }
            // Once the live socket is up again, a later edit arrives by a poke. The socket may still
            // be reconnecting (its back-off is slower on a busy run), so an edit is pushed every 3 s
            // until one arrives; all within 20 s, while the safety-net sync is 30 s away.
            let seenV2 = ContinuousClock.now
            var poked = false
            var edit = 3
            while !poked, ContinuousClock.now - seenV2 < .seconds(20) {
                let expected = "v\(edit)"
                _ = try await phone.push([("todo.edit", .object(["todo_id": .string(todo), "title": .string(expected)]))])
                poked = (try? await eventually("the tablet is poked about \(expected)", timeout: .seconds(3)) { try await title() == expected }) != nil
                edit += 1
            }
            #expect(poked, "no edit reached the live replica by a poke within 20 s of the restart")
            live.cancel()
            await live.value
            try await tablet.close()
            try await back.stop()
        }
    }
}
