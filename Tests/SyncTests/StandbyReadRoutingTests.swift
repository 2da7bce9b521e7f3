import EventStore
import Foundation
import PostgresNIO
import SyncProtocol
import Testing
import TidemarkTestSupport

@testable import SyncServer

/// `ServerConfiguration.readDatabaseURL` on the ordinary test server: the read URL names a second
/// pool on the same database (a valid configuration: the primary is never behind itself), or a
/// server that refuses connections, or a pool whose sessions are ended. The real standby is
/// exercised by `ClusterTests.StandbyReadTests`.
@Suite("Pulls from a read database", .timeLimit(.minutes(10)))
struct StandbyReadRoutingTests {
    /// Pulls every page from `replica`'s cursor, returning the source of each page.
    static func pullAll(_ session: Session, into replica: inout Replica) async throws -> [String] {
        var sources: [String] = []
        while true {
            let answer = try await session.pull(cursor: replica.cursor)
            guard answer.status == 200 else { throw TestFailure("pull: \(answer.status) \(answer.text)") }
            sources.append(answer.readSource ?? "missing")
            let page = try answer.decode(PullResponse.self)
            replica.apply(page)
            if !page.hasMore { return sources }
        }
    }

    /// The cursor `text` with its WAL mark replaced, signed again with the test server's secret.
    static func withWALMark(_ mark: UInt64?, _ text: String, _ h: SyncHarness) throws -> String {
        let signer = CursorSigner(secret: h.server.secret)
        var cursor = try signer.decode(text)
        cursor.walMark = mark
        return signer.encode(cursor)
    }

    @Test("with the read URL on the same database, every page (snapshot and changes) is read there and the replica gets every change")
    func sameDatabase() async throws {
        try await SyncHarness.with(configure: { $0.readDatabaseURL = $0.databaseURL }) { h in
            // Given a member with a todo.
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            _ = try await ana.push([("todo.create", .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string("one")]))])

            // When a replica pulls a snapshot and then the changes of 20 more todos.
            var replica = Replica()
            var sources = try await Self.pullAll(ana, into: &replica)
            for index in 0..<20 {
                _ = try await ana.push([("todo.create", .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string("t\(index)")]))])
            }
            try await eventually("every todo arrives and every mutation is included") {
                sources += try await Self.pullAll(ana, into: &replica)
                return replica.rows(.todos).count == 21 && replica.includedSeq == 21
            }

            // Then every page was read on the read database, and the cursor carries a WAL mark.
            #expect(!sources.isEmpty && sources.allSatisfy { $0 == "standby" }, "\(sources)")
            let cursor = try CursorSigner(secret: h.server.secret).decode(try #require(replica.cursor))
            #expect((cursor.walMark ?? 0) > 0)
        }
    }

    @Test("a cursor without a WAL mark (from a build before standby reads) is read on the primary; the cursor it gets back may be read on the standby")
    func oldCursor() async throws {
        try await SyncHarness.with(configure: { $0.readDatabaseURL = $0.databaseURL }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            var replica = Replica()
            _ = try await Self.pullAll(ana, into: &replica)
            let old = try Self.withWALMark(nil, try #require(replica.cursor), h)

            let first = try await ana.pull(cursor: old)
            #expect(first.status == 200 && first.readSource == "primary", "\(first.status) \(first.readSource ?? "none") \(first.text)")
            let next = try await ana.pull(cursor: try first.decode(PullResponse.self).cursor)
            #expect(next.status == 200 && next.readSource == "standby", "\(next.status) \(next.readSource ?? "none")")
        }
    }

    @Test("a cursor whose WAL mark the read database has not reached is read on the primary: never refused, never answered from behind")
    func markAhead() async throws {
        try await SyncHarness.with(configure: { $0.readDatabaseURL = $0.databaseURL }) { h in
            // Given a replica at the end of the feed, and a todo written after.
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            var replica = Replica()
            _ = try await Self.pullAll(ana, into: &replica)
            let issued = try #require(replica.cursor)
            let mark = try #require(try CursorSigner(secret: h.server.secret).decode(issued).walMark)
            let todo = UUID().uuidString.lowercased()
            _ = try await ana.push([("todo.create", .object(["todo_id": .string(todo), "title": .string("later")]))])

            // When the cursor claims to have seen far more of the WAL than the database has written.
            replica.cursor = try Self.withWALMark(mark + (1 << 40), try #require(replica.cursor), h)

            // Then the primary answers every page (the mark only grows along the chain), with the change.
            var sources: [String] = []
            try await eventually("the todo arrives") {
                sources += try await Self.pullAll(ana, into: &replica)
                return replica.rows(.todos)[todo] != nil
            }
            #expect(sources.allSatisfy { $0 == "primary" }, "\(sources)")
            let metrics = try await h.call(.GET, "/metrics").text
            #expect(metrics.contains(#"tidemark_pull_standby_fallbacks_total{reason="behind"}"#), "\(metrics.prefix(3000))")
        }
    }

    @Test("a read URL whose server refuses connections: pulls answer from the primary, only the first waits for the timeout")
    func refusedConnections() async throws {
        // Given a read URL on a loopback port where nothing listens.
        let port = try Self.closedPort()
        try await SyncHarness.with(configure: { configuration in
            configuration.readDatabaseURL = configuration.databaseURL.withPort(port)
            configuration.standbyReadTimeout = .milliseconds(500)
            configuration.standbyRetryPause = .seconds(60)
        }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let todo = UUID().uuidString.lowercased()
            _ = try await ana.push([("todo.create", .object(["todo_id": .string(todo), "title": .string("one")]))])

            // When a replica pulls until it has the todo, ten times over.
            let started = ContinuousClock.now
            var sources: [String] = []
            for _ in 0..<10 {
                var replica = Replica()
                try await eventually("the todo arrives") {
                    sources += try await Self.pullAll(ana, into: &replica)
                    return replica.rows(.todos)[todo] != nil
                }
            }

            // Then every page came from the primary, the failure was counted, and the standby was
            // tried once (then paused), not once per page.
            #expect(sources.count >= 20 && sources.allSatisfy { $0 == "primary" }, "\(sources)")
            #expect(ContinuousClock.now - started < .seconds(30))
            let metrics = try await h.call(.GET, "/metrics").text
            #expect(metrics.contains(#"tidemark_pull_standby_fallbacks_total{reason="failed"} 1"#), "\(metrics.prefix(3000))")
            #expect(metrics.contains(#"tidemark_pull_standby_fallbacks_total{reason="paused"}"#))
        }
    }

    @Test("the read pool's sessions ended under a stream of pulls: no pull fails, and pages come from the read database again")
    func sessionsEnded() async throws {
        try await SyncHarness.with(configure: { configuration in
            configuration.readDatabaseURL = configuration.databaseURL
            configuration.standbyRetryPause = .milliseconds(300)
        }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            var replica = Replica()
            #expect(try await Self.pullAll(ana, into: &replica).allSatisfy { $0 == "standby" })

            // When every session of the read pool is terminated while the device keeps writing and pulling.
            let ended = try await h.store.client.query(
                """
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE application_name = 'tidemark-server-reads' AND datname = current_database()
                """,
                logger: h.logger)
            for try await count in ended.decode(Int64.self) { #expect(count >= 1) }
            var sources: [String] = []
            for index in 0..<10 {
                _ = try await ana.push([("todo.create", .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string("t\(index)")]))])
                sources += try await Self.pullAll(ana, into: &replica)
            }

            // Then every pull answered, every todo arrives, and the read database serves again.
            try await eventually("every todo arrives, and a page comes from the read database") {
                sources += try await Self.pullAll(ana, into: &replica)
                return replica.rows(.todos).count == 10 && sources.last == "standby"
            }
        }
    }

    @Test("synccli serve refuses a malformed or unreachable --read-database-url at start, naming the read database")
    func serveChecksTheReadURL() async throws {
        let port = try Self.closedPort()
        let unreachable = try await SyncCLI.run(
            ["serve", "--port", "0", "--no-migrate", "--read-database-url", "postgres://tidemark@127.0.0.1:\(port)/tidemark"], database: nil)
        #expect(unreachable.status == 1, "\(unreachable.error)")
        #expect(unreachable.error.contains("error: database: read database (--read-database-url"), "\(unreachable.error)")
        let malformed = try await SyncCLI.run(["serve", "--port", "0", "--no-migrate", "--read-database-url", "mysql://x@y/z"], database: nil)
        #expect(malformed.status == 1, "\(malformed.error)")
        #expect(malformed.error.contains("error: invalid_database_url: read database"), "\(malformed.error)")
        let fromEnvironment = try await SyncCLI.run(
            ["serve", "--port", "0", "--no-migrate"], database: nil, environment: ["TIDEMARK_READ_DATABASE_URL": "postgres://nohost"])
        #expect(fromEnvironment.status == 1 && fromEnvironment.error.contains("read database"), "\(fromEnvironment.error)")
    }

    /// A loopback port nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension DatabaseURL {
    /// The same database on another port.
    fileprivate func withPort(_ port: Int) -> DatabaseURL {
        var copy = self
        copy.port = port
        return copy
    }
}
