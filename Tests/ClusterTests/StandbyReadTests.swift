import Foundation
import PostgresNIO
import SyncClient
import SyncProtocol
import Testing
import TidemarkTestSupport

/// Pulls through servers that read from the standby (`make cluster` starts them with
/// `--read-database-url` on the standby): the gap-free rule and monotonic reads hold, pages were
/// in fact read on the standby, and a standby that does not replay sends pages to the primary.
@Suite("Reads from the standby", .serialized, .enabled(if: Cluster.isConfigured), .timeLimit(.minutes(10)))
struct StandbyReadTests {
    /// Every todo of `user` in the primary's read model: id → title.
    static func primaryTodos(_ cluster: Cluster, user: String, tenantCode: String) async throws -> [String: String] {
        try await StandbySQL.with(cluster.primaryURL) { sql in
            let rows = try await sql.texts(
                """
                SELECT t.todo_id::text || '=' || t.title FROM read.todos t
                JOIN read.tenants n ON n.tenant_id = t.tenant_id
                JOIN read.users u ON u.user_id = t.owner_id
                WHERE n.code = \(tenantCode) AND u.username = \(user) AND NOT t.deleted
                """)
            return Dictionary(
                rows.map { row in
                    let parts = row.split(separator: "=", maxSplits: 1).map(String.init)
                    return (parts[0], parts.count > 1 ? parts[1] : "")
                }, uniquingKeysWith: { first, _ in first })
        }
    }

    @Test(
        "writers push through HAProxy while replicas pull through servers reading the standby: every replica converges, no page goes back, pages came from the standby"
    )
    func convergeUnderWrites() async throws {
        let cluster = try Cluster.fromEnvironment()
        let tenant = try await StandbyDemoTenant.make(members: 3)
        let standbyBefore = try await StandbyObserver.pagesServed(from: "standby", servers: cluster.servers)

        // Given, for each of the 4 users, a writer and two readers (SyncClient replicas) and an
        // observer pulling with plain HTTP, all through HAProxy.
        struct User: Sendable {
            var login: StandbyDemoTenant.Login
            var writer: StandbyReplica
            var readers: [StandbyReplica]
        }
        var users: [User] = []
        var observers: [StandbyObserver] = []
        for login in tenant.logins {
            let writer = try await StandbyReplica.make(
                cluster.url, tenantCode: login.tenantCode, username: login.username, password: login.password, name: "writer")
            var readers: [StandbyReplica] = []
            for index in 0..<2 {
                readers.append(
                    try await StandbyReplica.make(
                        cluster.url, tenantCode: login.tenantCode, username: login.username, password: login.password, name: "reader \(index)"))
            }
            users.append(User(login: login, writer: writer, readers: readers))
            observers.append(
                try await StandbyObserver.login(cluster.url, tenantCode: login.tenantCode, username: login.username, password: login.password))
        }
        #expect(users.count == 4)

        // When each writer creates 3 todos and then raises their titles v1, v2, … (one writer per
        // todo, so the server's order of a todo's titles is the writer's), syncing after each
        // edit, while the readers and observers pull concurrently until the writers are done.
        let writersDone = Locked(0)
        let userCount = users.count
        let edits = 20
        let observed = try await withThrowingTaskGroup(of: (Int, StandbyObserver)?.self) { group in
            for user in users {
                group.addTask {
                    defer { writersDone.withLock { $0 += 1 } }
                    let ids = (0..<3).map { _ in UUID().uuidString.lowercased() }
                    for id in ids {
                        _ = try await user.writer.client.mutate(.todoCreate, args: .object(["todo_id": .string(id), "title": .string("v0")]))
                    }
                    _ = try? await user.writer.client.sync()
                    for edit in 1...edits {
                        let id = ids[edit % ids.count]
                        _ = try await user.writer.client.mutate(.todoEdit, args: .object(["todo_id": .string(id), "title": .string("v\(edit)")]))
                        _ = try? await user.writer.client.sync()
                    }
                    return nil
                }
                for reader in user.readers {
                    group.addTask {
                        while writersDone.value < userCount {
                            // A failed sync (a 503 while the machine is loaded) is retried by
                            // the next; convergence is checked at the end.
                            _ = try? await reader.client.sync()
                            try await Task.sleep(for: .milliseconds(20))
                        }
                        return nil
                    }
                }
            }
            for (index, observer) in observers.enumerated() {
                group.addTask {
                    var observer = observer
                    while writersDone.value < userCount {
                        try await observer.pullToEnd()
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    return (index, observer)
                }
            }
            var finished: [Int: StandbyObserver] = [:]
            for try await result in group { if let (index, observer) = result { finished[index] = observer } }
            return finished
        }

        // Then every replica and observer converges to the primary's read model of its user.
        for (index, user) in users.enumerated() {
            guard var observer = observed[index] else {
                Issue.record("no observer for \(user.login.username)")
                continue
            }
            let login = user.login
            try await eventually("\(login.username)'s devices equal the primary's read model", timeout: .seconds(120)) {
                let primary = try await Self.primaryTodos(cluster, user: login.username, tenantCode: login.tenantCode)
                guard primary.count == 3, primary.values.allSatisfy({ $0.hasPrefix("v") }) else { return false }
                try await observer.pullToEnd()
                var equal = observer.todos == primary
                for replica in [user.writer] + user.readers {
                    _ = try await replica.client.sync()
                    equal = try await replica.todoTitles() == primary && equal
                }
                return equal
            }
            // And no page the observer applied was older than one it had applied before.
            #expect(observer.regressions.isEmpty, "\(observer.regressions)")
            #expect(observer.sources.contains("standby"), "\(login.username): \(observer.sources)")
        }
        // And the servers read pages on the standby (SyncClient's pulls included).
        let standbyAfter = try await StandbyObserver.pagesServed(from: "standby", servers: cluster.servers)
        #expect(standbyAfter > standbyBefore, "standby pages \(standbyBefore) → \(standbyAfter)")
        for user in users {
            for replica in [user.writer] + user.readers {
                #expect(try await replica.client.queuedMutations().isEmpty)
                await replica.remove()
            }
        }
    }

    @Test("with replay paused on the standby, pages come from the primary and hold every new write; after resuming, the standby serves again")
    func pausedReplay() async throws {
        let cluster = try Cluster.fromEnvironment()
        let tenant = try await StandbyDemoTenant.make(members: 1)
        let login = try #require(tenant.logins.last)
        let writer = try await StandbyReplica.make(
            cluster.url, tenantCode: login.tenantCode, username: login.username, password: login.password, name: "writer")
        var observer = try await StandbyObserver.login(cluster.url, tenantCode: login.tenantCode, username: login.username, password: login.password)

        // Given an observer at the end of the feed, served by the standby.
        try await eventually("a page comes from the standby", timeout: .seconds(60)) {
            try await observer.pullToEnd().last == "standby"
        }

        try await withCleanUp {
            // When the standby stops replaying, and the writer adds todos through HAProxy.
            try await StandbySQL.with(cluster.standbyURL) { sql in
                try await sql.run("SELECT pg_wal_replay_pause()")
                try await eventually("replay is paused") {
                    try await sql.texts("SELECT pg_get_wal_replay_pause_state()") == ["paused"]
                }
            }
            let ids = (0..<5).map { _ in UUID().uuidString.lowercased() }
            for (index, id) in ids.enumerated() {
                _ = try await writer.client.mutate(.todoCreate, args: .object(["todo_id": .string(id), "title": .string("v\(index)")]))
            }
            _ = try await writer.client.sync()

            // Then every page that brings them comes from the primary: the standby, behind the
            // primary's flushed WAL, answers none.
            var sources: [String] = []
            try await eventually("the observer has every new todo", timeout: .seconds(60)) {
                sources += try await observer.pullToEnd()
                return ids.allSatisfy { observer.todos[$0] != nil }
            }
            #expect(sources.allSatisfy { $0 == "primary" }, "\(sources)")
            // A new snapshot too.
            var fresh = try await StandbyObserver.login(cluster.url, tenantCode: login.tenantCode, username: login.username, password: login.password)
            let snapshotSources = try await fresh.pullToEnd()
            #expect(snapshotSources.allSatisfy { $0 == "primary" }, "\(snapshotSources)")
            #expect(ids.allSatisfy { fresh.todos[$0] != nil })
            #expect(
                try await StandbySQL.with(cluster.standbyURL) {
                    try await $0.texts("SELECT count(*)::text FROM read.todos WHERE todo_id = ANY(\(ids)::uuid[])")
                } == ["0"])
        } cleanUp: {
            _ = try? await StandbySQL.with(cluster.standbyURL) { try await $0.run("SELECT pg_wal_replay_resume()") }
        }

        // And once replay resumes, the standby serves pages again, and nothing went back.
        try await eventually("a page comes from the standby again", timeout: .seconds(60)) {
            try await observer.pullToEnd().last == "standby"
        }
        #expect(observer.regressions.isEmpty, "\(observer.regressions)")
        #expect(observer.todos.count == 5)
        await writer.remove()
    }
}
