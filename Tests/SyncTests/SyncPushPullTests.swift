import Domain
import EventStore
import Foundation
import Projections
import SyncProtocol
import Testing
import TidemarkTestSupport

@Suite("Push and pull over real HTTP")
struct SyncPushPullTests {
    @Test("a retried batch gets the same answers and is applied once; mutations apply in sequence order")
    func retriedBatch() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let todo = UUID().uuidString.lowercased()
            let batch = [
                Mutation(id: "m1", seq: 1, name: "todo.create", args: .object(["todo_id": .string(todo), "title": .string("Milk")])),
                Mutation(id: "m2", seq: 2, name: "todo.edit", args: .object(["todo_id": .string(todo), "title": .string("Oat milk")])),
                Mutation(id: "m3", seq: 3, name: "todo.complete", args: .object(["todo_id": .string(UUID().uuidString)])),
            ]
            let first = try await ana.push(raw: batch)
            #expect(first.results.map(\.status) == [.applied, .applied, .rejected])
            #expect(first.results[2].code == "not_found")
            #expect(first.lastSeq == 3)
            // The response was "lost": the same batch again, then a batch that overlaps it.
            let second = try await ana.push(raw: batch)
            #expect(second.results == first.results)
            let overlap = try await ana.push(
                raw: Array(batch[1...]) + [
                    Mutation(id: "m4", seq: 4, name: "todo.complete", args: .object(["todo_id": .string(todo)]))
                ])
            #expect(Array(overlap.results.prefix(2)) == Array(first.results[1...]))
            #expect(overlap.results[2].status == .applied)
            let events = try await h.store.readAll(stream: try StreamName("todo-\(todo)"))
            #expect(events.map(\.type) == ["TodoCreated", "TodoTitleChanged", "TodoCompleted"])
            // A new mutation with an old sequence number is refused, and so is a reused number.
            let late = try await ana.push(raw: [Mutation(id: "m0", seq: 2, name: "todo.reopen", args: .object(["todo_id": .string(todo)]))])
            #expect(late.results[0].code == "seq_conflict")
            let gap = try await ana.push(raw: [Mutation(id: "m5", seq: 10, name: "todo.reopen", args: .object(["todo_id": .string(todo)]))])
            #expect(gap.results[0].status == .applied)
            let older = try await ana.push(raw: [Mutation(id: "m6", seq: 7, name: "todo.reopen", args: .object(["todo_id": .string(todo)]))])
            #expect(older.results[0].code == "out_of_order")
        }
    }

    @Test("malformed pushes are refused whole with a clear error and write nothing")
    func malformedPushes() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let before = try await h.store.status().head
            let todo: JSONValue = .object(["todo_id": .string(UUID().uuidString), "title": .string("x")])
            let cases: [(String, SyncPushRequest)] = [
                ("empty", SyncPushRequest(mutations: [])),
                (
                    "not increasing",
                    SyncPushRequest(mutations: [
                        Mutation(id: "a", seq: 2, name: "todo.create", args: todo), Mutation(id: "b", seq: 2, name: "todo.create", args: todo),
                    ])
                ),
                (
                    "duplicate id",
                    SyncPushRequest(mutations: [
                        Mutation(id: "a", seq: 1, name: "todo.create", args: todo), Mutation(id: "a", seq: 2, name: "todo.create", args: todo),
                    ])
                ),
                ("too many", SyncPushRequest(mutations: (1...101).map { Mutation(id: "m\($0)", seq: Int64($0), name: "todo.create", args: todo) })),
            ]
            for (what, request) in cases {
                let answer = try await h.call(.POST, "/v1/sync/push", body: request, token: ana.token)
                #expect(answer.status == 400, "\(what)")
                #expect(answer.code == "invalid", "\(what)")
            }
            let notJSON = try await h.call(.POST, "/v1/sync/push", body: "not a push", token: ana.token)
            #expect(notJSON.status == 400 && notJSON.code == "invalid")
            // Bad arguments reject the one mutation, with the member named.
            let bad = try await ana.push([("todo.create", .object(["todo_id": .string("nope"), "title": .string("x")])), ("todo.fly", .object([:]))])
            #expect(bad.results.map(\.code) == ["invalid", "invalid"])
            #expect(bad.results[0].message?.contains("todo_id") == true)
            #expect(try await h.store.status().head == before)
        }
    }

    @Test("pull: a snapshot in pages, then changes and tombstones; nobody sees another user's or tenant's rows")
    func pullIsolation() async throws {
        try await SyncHarness.with { h in
            let acme = try await h.createTenant(code: "acme")
            _ = try await h.createTenant(code: "other")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let bob = try await h.signUp("bob", tenantCode: "acme")
            let cid = try await h.signUp("cid", tenantCode: "other")
            try await h.makeAdmin(bob.userID, tenant: acme)
            let admin = try await h.signIn("bob", tenantCode: "acme")
            var anaTodos: [String] = []
            for index in 0..<7 {
                let id = UUID().uuidString.lowercased()
                anaTodos.append(id)
                _ = try await ana.push([("todo.create", .object(["todo_id": .string(id), "title": .string("ana \(index)")]))])
            }
            _ = try await bob.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("bob's")]))])
            _ = try await cid.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("cid's")]))])
            let announcement = UUID().uuidString.lowercased()
            let published = try await admin.push([
                ("announcement.draft", .object(["announcement_id": .string(announcement), "title": .string("Hello"), "body": .string("All hands")])),
                ("announcement.publish", .object(["announcement_id": .string(announcement)])),
                (
                    "notification.send",
                    .object([
                        "notification_id": .string(UUID().uuidString), "receivers": .array([.string(ana.userID)]),
                        "type": .string("info"), "title": .string("Hi Ana"), "content": .string("…"),
                    ])
                ),
            ])
            #expect(published.results.allSatisfy { $0.status == .applied })
            var replica = Replica()
            try await eventually("ana's snapshot holds her 7 todos, the announcement and her inbox") {
                replica = Replica()
                while true {
                    let answer = try await ana.pull(cursor: replica.cursor, limit: 3)
                    let page = try answer.decode(PullResponse.self)
                    #expect(page.changes.count <= 3)
                    replica.apply(page)
                    if !page.hasMore { break }
                }
                return replica.rows(.todos).count == 7 && replica.rows(.announcements).count == 1 && replica.rows(.inbox).count == 1
            }
            #expect(Set(replica.rows(.todos).keys) == Set(anaTodos))
            #expect(replica.rows(.profile).keys.sorted() == [ana.userID])
            #expect(replica.rows(.tenant).count == 1)
            #expect(
                replica.rows.values.allSatisfy { row in
                    (row["owner_id"]?.stringValue ?? ana.userID) == ana.userID && (row["tenant_id"]?.stringValue ?? acme.description) == acme.description
                })
            // Changes after the snapshot: an edit, a delete (tombstone), another user's change (nothing).
            _ = try await ana.push([
                ("todo.edit", .object(["todo_id": .string(anaTodos[0]), "title": .string("renamed")])),
                ("todo.delete", .object(["todo_id": .string(anaTodos[1])])),
            ])
            _ = try await bob.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("bob 2")]))])
            try await eventually("the edit and the tombstone arrive") {
                try await ana.pullAll(into: &replica)
                return replica.rows(.todos)[anaTodos[0]]?["title"]?.stringValue == "renamed" && replica.rows(.todos)[anaTodos[1]] == nil
            }
            #expect(replica.rows(.todos).count == 6)
            // Read-your-writes: the device's last sequence number is reported once its effects are in.
            try await eventually("included_seq reaches ana's last mutation") {
                try await ana.pullAll(into: &replica)
                return replica.includedSeq == 9
            }
        }
    }

    @Test("a cursor from before a projection was reset answers resync_required; a bad cursor or limit is invalid")
    func resyncRequired() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            _ = try await ana.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("one")]))])
            var replica = Replica()
            try await eventually("the todo arrives") {
                try await ana.pullAll(into: &replica)
                return replica.rows(.todos).count == 1
            }
            let admin = ProjectionAdmin(projections: ReadModels.all, client: h.store.client, logger: h.logger)
            try await admin.reset("todos")
            let stale = try await ana.pull(cursor: replica.cursor)
            #expect(stale.status == 410 && stale.code == "resync_required")
            #expect(try await ana.pull(cursor: "garbage").code == "invalid")
            #expect(try await ana.pull(cursor: nil, limit: 0).code == "invalid")
            #expect(try await ana.pull(cursor: nil, limit: 100_000).code == "invalid")
            try await eventually("a fresh snapshot has the todo again") {
                var fresh = Replica()
                try await ana.pullAll(into: &fresh)
                return fresh.rows(.todos).count == 1
            }
        }
    }

    @Test("the server restarts between a push and a pull and nothing is lost or applied twice")
    func restartBetweenPushAndPull() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            var replica = Replica()
            try await ana.pullAll(into: &replica)
            let ids = (0..<5).map { _ in UUID().uuidString.lowercased() }
            let batch = ids.enumerated().map { index, id in
                Mutation(
                    id: "r\(index)", seq: Int64(index + 1), name: "todo.create", args: .object(["todo_id": .string(id), "title": .string("before restart")]))
            }
            let pushed = try await ana.push(raw: batch)
            #expect(pushed.results.allSatisfy { $0.status == .applied })
            try await h.server.stop()
            await #expect(throws: (any Error).self) { try await h.call(.GET, "/health", timeoutSeconds: 2) }
            try await h.server.start()
            // The client never saw the answer: it retries after the restart and gets the same one.
            #expect(try await ana.push(raw: batch).results == pushed.results)
            try await eventually("every todo pushed before the restart arrives once") {
                try await ana.pullAll(into: &replica)
                return Set(replica.rows(.todos).keys) == Set(ids)
            }
            for id in ids {
                #expect(try await h.store.readAll(stream: try StreamName("todo-\(id)")).count == 1)
            }
        }
    }

    @Test("pruning the change feed makes older cursors answer resync_required, never silently skip")
    func prunedFeed() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            var replica = Replica()
            try await ana.pullAll(into: &replica)
            let stale = replica.cursor
            _ = try await ana.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("before the prune")]))])
            try await eventually("the todo arrives") {
                var fresh = replica
                try await ana.pullAll(into: &fresh)
                return fresh.rows(.todos).count == 1
            }
            let report = try await ChangeFeedPruner(client: h.store.client, logger: h.logger).prune(olderThan: .zero)
            #expect(report.deleted > 0 && report.prunedThrough != nil)
            let answer = try await ana.pull(cursor: stale)
            #expect(answer.status == 410 && answer.code == "resync_required")
            var fresh = Replica()
            try await ana.pullAll(into: &fresh)
            #expect(fresh.rows(.todos).count == 1)
            // Nothing older than a day: nothing deleted, the mark stays.
            #expect(try await ChangeFeedPruner(client: h.store.client, logger: h.logger).prune(olderThan: .seconds(86_400)).deleted == 0)
        }
    }

    @Test("the same batch retried through two server instances at once is applied once and both get the stored answers")
    func racingInstances() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let second = TestServer(database: h.server.database, logger: h.logger)
            try await second.start()
            for round in 0..<5 {
                let ids = (0..<4).map { _ in UUID().uuidString.lowercased() }
                let batch = ids.enumerated().map { index, id in
                    Mutation(
                        id: "race-\(round)-\(index)", seq: Int64(round * 4 + index + 1), name: "todo.create",
                        args: .object(["todo_id": .string(id), "title": .string("raced")]))
                }
                async let viaFirst = ana.push(raw: batch)
                async let viaSecond = ana.push(raw: batch, via: second)
                let (first, other) = try await (viaFirst, viaSecond)
                #expect(first.results == other.results, "round \(round)")
                #expect(first.results.allSatisfy { $0.status == .applied }, "round \(round)")
                for id in ids {
                    #expect(try await h.store.readAll(stream: try StreamName("todo-\(id)")).count == 1)
                }
            }
            try await second.stop()
        }
    }
}
