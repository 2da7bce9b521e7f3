import Commands
import Domain
import EventStore
import Foundation
import PostgresNIO
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// Pushes of different devices that arrive together share one transaction (`PushCombiner`); each
/// keeps its own answers and exactly-once rules.
@Suite("Concurrent pushes of different devices are combined")
struct PushCombinerTests {
    @Test("racing devices share transactions; each gets its own answers, retries get the same ones, nothing is written twice")
    func combined() async throws {
        // One group at a time: pushes arriving while it runs wait and are combined.
        try await SyncHarness.with(configure: { $0.pushCombinedGroups = 1 }) { h in
            _ = try await h.createTenant(code: "acme")
            var sessions: [Session] = []
            for index in 0..<16 { sessions.append(try await h.signUp("user\(index)", tenantCode: "acme")) }
            let missing = UUID().uuidString.lowercased()
            var created: [String: String] = [:]  // todo id → user id
            var combined = false
            for round in 0..<10 {
                // Every device pushes a new todo; the odd ones also an edit of a todo nobody made.
                let answers = try await withThrowingTaskGroup(of: (Int, [Mutation], SyncPushResponse).self) { group in
                    for (index, session) in sessions.enumerated() {
                        group.addTask {
                            var mutations: [(String, JSONValue)] = [
                                ("todo.create", .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string("r\(round) u\(index)")]))
                            ]
                            if index % 2 == 1 { mutations.append(("todo.edit", .object(["todo_id": .string(missing), "title": .string("x")]))) }
                            let numbered = session.number(mutations)
                            return (index, numbered, try await session.push(raw: numbered))
                        }
                    }
                    var all: [(Int, [Mutation], SyncPushResponse)] = []
                    for try await answer in group { all.append(answer) }
                    return all
                }
                for (index, mutations, answer) in answers {
                    #expect(answer.results.map(\.id) == mutations.map(\.id))
                    #expect(answer.results.first?.status == .applied, "\(answer.results)")
                    #expect(answer.results.first?.positions.count == 1, "\(answer.results)")
                    if index % 2 == 1 {
                        #expect(answer.results.last?.status == .rejected && answer.results.last?.code == "not_found", "\(answer.results)")
                    }
                    if let id = mutations.first?.args["todo_id"]?.stringValue { created[id] = sessions[index].userID }
                    // A retry of the whole push gets the same answers and writes nothing.
                    if round == 0 {
                        let again = try await sessions[index].push(raw: mutations)
                        #expect(again.results == answer.results)
                    }
                }
                combined = try await Self.transactionsWithSeveralUsers(h) > 0
                if combined && round >= 2 { break }
            }
            #expect(combined, "no transaction held the events of more than one device")
            // Each todo exists once, with one event, by the user that pushed it.
            let rows = try await h.store.client.query(
                """
                SELECT stream, count(*)::int8, min(metadata->>'actor') FROM events
                WHERE stream LIKE 'todo-%' GROUP BY stream
                """, logger: h.logger)
            var streams = 0
            for try await (stream, count, user) in rows.decode((String, Int64, String?).self) {
                streams += 1
                #expect(count == 1, "\(stream) has \(count) events")
                let todo = String(stream.dropFirst("todo-".count))
                #expect(created[todo] != nil && (user == nil || user == created[todo]), "\(stream) by \(String(describing: user))")
            }
            #expect(streams == created.count)
            // Every answer is stored once; every applied one has one command log entry.
            let stored = try await h.store.client.query(
                """
                SELECT (SELECT count(*) FROM sync_mutations WHERE status = 'applied')::int8,
                       (SELECT count(*) FROM sync_mutations WHERE status = 'rejected')::int8,
                       (SELECT count(*) FROM command_log WHERE idempotency_key LIKE 'm2:%')::int8
                """, logger: h.logger)
            for try await (applied, rejected, logged) in stored.decode((Int64, Int64, Int64).self) {
                #expect(applied == Int64(created.count))
                #expect(rejected == Int64(created.count / 2))
                #expect(logged == applied)
            }
        }
    }

    @Test("a push the group cannot write (an erased user's personal text) is refused alone; the other devices' pushes apply")
    func oneRefusedPartAlone() async throws {
        try await SyncHarness.with(configure: { $0.pushCombinedGroups = 1 }) { h in
            let world = try await ErasureTests.world(h)
            let created = try await h.call(
                .POST, "/v1/todos", body: ["title": JSONValue.string("Private"), "personal_data": .bool(true)], token: world.carol.token)
            try #require(created.status == 201, "\(created.text)")
            let secret = try #require(created.json?["id"]?.stringValue)
            let erased = try await h.call(.POST, "/v1/users/\(world.carol.userID)/erase", token: world.ana.token)
            try #require(erased.status == 200, "\(erased.text)")
            var others: [Session] = []
            for index in 0..<8 { others.append(try await h.signUp("other\(index)", tenantCode: "acme")) }
            for _ in 0..<3 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        let pushed = try await world.carol.push([
                            ("todo.edit", .object(["todo_id": .string(secret), "title": .string("Again")])),
                            ("todo.complete", .object(["todo_id": .string(world.todo)])),
                        ])
                        #expect(pushed.results.map(\.status) == [.rejected, .applied], "\(pushed.results)")
                        #expect(pushed.results.first?.code == "conflict", "\(pushed.results)")
                    }
                    for session in others {
                        group.addTask {
                            let pushed = try await session.push([
                                ("todo.create", .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string("mine")]))
                            ])
                            #expect(pushed.results.map(\.status) == [.applied], "\(pushed.results)")
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await h.commands.load(Todo.self, id: try #require(TodoID(secret))).state?.title == "[erased]")
        }
    }

    /// How many transactions wrote todo events of more than one user.
    static func transactionsWithSeveralUsers(_ h: SyncHarness) async throws -> Int {
        let rows = try await h.store.client.query(
            """
            SELECT count(*)::int8 FROM (
                SELECT transaction_id FROM events WHERE stream LIKE 'todo-%'
                GROUP BY transaction_id HAVING count(DISTINCT metadata->>'actor') > 1
            ) AS t
            """, logger: h.logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
