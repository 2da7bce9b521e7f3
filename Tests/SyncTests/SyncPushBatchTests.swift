import Domain
import EventStore
import Foundation
import PostgresNIO
import SyncProtocol
import Testing
import TidemarkTestSupport

@Suite("Pushed batches are decided together and committed once")
struct SyncPushBatchTests {
    @Test("a batch is decided in order against the states its earlier mutations left, and commits in one transaction")
    func oneTransaction() async throws {
        try await SyncHarness.with { h in
            let tenant = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let bo = try await h.signUp("bob", tenantCode: "acme")
            try await h.makeAdmin(ana.userID, tenant: tenant)
            let admin = try await h.signIn("ana", tenantCode: "acme")
            let first = UUID().uuidString.lowercased(), second = UUID().uuidString.lowercased()
            func todo(_ id: String, _ extra: [String: JSONValue] = [:]) -> JSONValue {
                .object(extra.merging(["todo_id": .string(id)]) { new, _ in new })
            }
            let answer = try await admin.push([
                ("todo.create", todo(first, ["title": .string("Milk")])),
                ("todo.create", todo(second, ["title": .string("Bread")])),
                ("todo.edit", todo(first, ["title": .string("Oat milk")])),
                ("todo.delete", todo(second)),
                ("todo.edit", todo(second, ["title": .string("Rye bread")])),  // edits a todo deleted just before
                ("todo.complete", todo(first)),
                ("todo.complete", todo(first)),  // its effect already holds: no event
                ("todo.frobnicate", todo(first)),  // unknown name
            ])
            #expect(answer.results.map(\.status) == [.applied, .applied, .applied, .applied, .rejected, .applied, .applied, .rejected])
            #expect(answer.results[4].code == "deleted")
            #expect(answer.results[7].code == "invalid")
            #expect(answer.results[6].positions.isEmpty)
            let positions = answer.results.flatMap(\.positions)
            #expect(positions == positions.sorted() && Set(positions).count == positions.count)
            // Each stream got consecutive versions in mutation order.
            let firstEvents = try await h.store.readAll(stream: try StreamName("todo-\(first)"))
            #expect(firstEvents.map(\.type) == ["TodoCreated", "TodoTitleChanged", "TodoCompleted"])
            #expect(firstEvents.map(\.position) == answer.results[0].positions + answer.results[2].positions + answer.results[5].positions)
            let secondEvents = try await h.store.readAll(stream: try StreamName("todo-\(second)"))
            #expect(secondEvents.map(\.type) == ["TodoCreated", "TodoDeleted"])
            // One transaction wrote them all.
            #expect(Set((firstEvents + secondEvents).map(\.transactionID)).count == 1)
            // Every answer is stored once; every applied one has its command log entry.
            let stored = try await h.store.client.query(
                "SELECT count(*)::int8, count(*) FILTER (WHERE status = 'rejected')::int8 FROM sync_mutations WHERE user_id = \(UUID(uuidString: ana.userID))"
            )
            for try await (all, rejected) in stored.decode((Int64, Int64).self) {
                #expect(all == 8)
                #expect(rejected == 2)
            }
            // Retried, the batch gets the same answers and writes nothing.
            let head = try await h.store.status().head
            let again = try await admin.push(
                raw: answer.results.indices.map { index in
                    Mutation(id: answer.results[index].id, seq: answer.results[index].seq, name: "todo.complete", args: todo(first))
                })
            #expect(again.results == answer.results)
            #expect(try await h.store.status().head == head)
            // A batch with a mutation that reads other aggregates runs one mutation at a time, in order.
            let mixed = try await admin.push([
                ("todo.reopen", todo(first)),
                (
                    "notification.send",
                    .object([
                        "notification_id": .string(UUID().uuidString.lowercased()), "receivers": .array([.string(bo.userID)]),
                        "type": .string("info"), "title": .string("Hi"), "content": .string("Batch"),
                    ])
                ),
                ("todo.edit", todo(second, ["title": .string("Rye bread")])),
            ])
            #expect(mixed.results.map(\.status) == [.applied, .applied, .rejected])
            #expect(mixed.results[2].code == "deleted")
        }
    }

    @Test("two devices racing batches on one todo: every mutation is applied exactly once")
    func racingDevices() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let phone = try await h.signUp("ana", tenantCode: "acme")
            let laptop = try await h.signIn("ana", tenantCode: "acme")
            let tablet = try await h.signIn("ana", tenantCode: "acme")
            let todo = UUID().uuidString.lowercased()
            _ = try await phone.push([("todo.create", .object(["todo_id": .string(todo), "title": .string("Start")]))])
            let rounds = 15, perBatch = 4
            let answers = try await withThrowingTaskGroup(of: [MutationResult].self) { group in
                for (name, device) in [("laptop", laptop), ("tablet", tablet)] {
                    group.addTask {
                        var results: [MutationResult] = []
                        for round in 0..<rounds {
                            let batch = (0..<perBatch).map { index in
                                Mutation(
                                    id: "\(name)-\(round)-\(index)", seq: Int64(round * perBatch + index + 1), name: "todo.edit",
                                    args: .object(["todo_id": .string(todo), "title": .string("\(name) \(round).\(index)")])
                                )
                            }
                            results += try await Self.pushRetrying(batch, from: device, harness: h)
                        }
                        return results
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(answers.count == 2 * rounds * perBatch)
            #expect(answers.allSatisfy { $0.status == .applied && $0.positions.count == 1 })
            let events = try await h.store.readAll(stream: try StreamName("todo-\(todo)"))
            #expect(events.count == 1 + 2 * rounds * perBatch)
            #expect(events.map(\.streamVersion) == Array(1...Int64(events.count)))
            // Each answer points at the event its own mutation caused, and each event is answered once.
            let byPosition = Dictionary(uniqueKeysWithValues: events.map { ($0.position, $0) })
            for answer in answers {
                let event = try #require(byPosition[answer.positions[0]])
                #expect(event.metadata.causationID == "mutation:\(answer.id)")
            }
            #expect(Set(answers.flatMap(\.positions)).count == answers.count)
        }
    }

    /// Pushes `batch` until it is answered, retrying the same batch after a `503` as a client does.
    static func pushRetrying(_ batch: [Mutation], from device: Session, harness: SyncHarness) async throws -> [MutationResult] {
        for attempt in 1...30 {
            let answer = try await harness.call(.POST, "/v1/sync/push", body: SyncPushRequest(mutations: batch), token: device.token)
            if answer.status == 200 { return try answer.decode(SyncPushResponse.self).results }
            guard answer.status == 503 else { throw TestFailure("push: \(answer.status) \(answer.text)") }
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
        }
        throw TestFailure("push was not answered after 30 attempts")
    }
}
