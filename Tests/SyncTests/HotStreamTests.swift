import Commands
import Domain
import EventStore
import Foundation
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// Issue 20 item 7: a busy record must not stall its writers.
@Suite("Many devices editing one todo at once")
struct HotStreamTests {
    @Test("devices pushing edits of one todo at the same moment: each applied once, the state is the server's order, never a 503")
    func concurrentDevices() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let owner = try await h.signUp("ana", tenantCode: "acme")
            var devices = [owner]
            for _ in 1..<6 { devices.append(try await h.signIn("ana", tenantCode: "acme")) }
            let todo = UUID().uuidString.lowercased()
            _ = try await owner.push([("todo.create", .object(["todo_id": .string(todo), "title": .string("Start")]))])
            let rounds = 4, perPush = 5
            var answers: [MutationResult] = []
            for round in 0..<rounds {
                answers += try await withThrowingTaskGroup(of: [MutationResult].self) { group in
                    for (index, device) in devices.enumerated() {
                        group.addTask {
                            // Each device pushes once per round, all at the same moment; any answer
                            // but 200 (a 503 above all) fails the test.
                            let response = try await device.push(
                                (0..<perPush).map { edit in
                                    ("todo.edit", .object(["todo_id": .string(todo), "title": .string("device \(index) round \(round) edit \(edit)")]))
                                })
                            return response.results
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
            }
            let expected = devices.count * rounds * perPush
            #expect(answers.count == expected)
            #expect(answers.allSatisfy { $0.status == .applied && $0.positions.count == 1 })
            let events = try await h.store.readAll(stream: try StreamName("todo-\(todo)"))
            #expect(events.count == 1 + expected)
            #expect(events.map(\.streamVersion) == Array(1...Int64(events.count)))
            // Each answer points at the event its own mutation caused, and each event is answered once.
            let byPosition = Dictionary(uniqueKeysWithValues: events.map { ($0.position, $0) })
            for answer in answers {
                let event = try #require(byPosition[answer.positions[0]])
                #expect(event.metadata.causationID == "mutation:\(answer.id)")
            }
            #expect(Set(answers.flatMap(\.positions)).count == answers.count)
            // The state is the fold of the stream in the server's order: the last edit stored wins.
            let replayed = try await CommandService(store: h.store, cachedStates: 0).load(Todo.self, id: try #require(TodoID(todo)))
            let last = try #require(events.last)
            let lastEdit = try JSONDecoder().decode([String: JSONValue].self, from: last.data)
            #expect(replayed.version == Int64(1 + expected))
            #expect(replayed.state?.title == lastEdit["title"]?.stringValue)
        }
    }

    @Test("two server instances on one database: edits through either are all applied once, none lost")
    func twoInstances() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let owner = try await h.signUp("ana", tenantCode: "acme")
            let other = try await h.signIn("ana", tenantCode: "acme")
            let second = TestServer(database: h.server.database, logger: h.logger)
            try await second.start()
            try await withCleanUp {
                let todo = UUID().uuidString.lowercased()
                _ = try await owner.push([("todo.create", .object(["todo_id": .string(todo), "title": .string("Start")]))])
                let rounds = 6, perPush = 3
                let answers = try await withThrowingTaskGroup(of: [MutationResult].self) { group in
                    for (name, device, server) in [("first", owner, nil), ("second", other, second)] {
                        group.addTask {
                            var results: [MutationResult] = []
                            for round in 0..<rounds {
                                let batch = (0..<perPush).map { edit in
                                    Mutation(
                                        id: "\(name)-\(round)-\(edit)", seq: Int64(round * perPush + edit + (name == "first" ? 2 : 1)), name: "todo.edit",
                                        args: .object(["todo_id": .string(todo), "title": .string("\(name) \(round).\(edit)")]))
                                }
                                results += try await Self.pushRetrying(batch, from: device, via: server, harness: h)
                            }
                            return results
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(answers.count == 2 * rounds * perPush)
                #expect(answers.allSatisfy { $0.status == .applied && $0.positions.count == 1 })
                let events = try await h.store.readAll(stream: try StreamName("todo-\(todo)"))
                #expect(events.count == 1 + 2 * rounds * perPush)
                #expect(events.map(\.streamVersion) == Array(1...Int64(events.count)))
                #expect(Set(events.compactMap(\.metadata.causationID)).count == events.count)
            } cleanUp: {
                try? await second.stop()
            }
        }
    }

    /// Pushes `batch` until it is answered, retrying the same batch after a `503` (which two
    /// instances racing may still answer: only one instance's commands queue in-process).
    static func pushRetrying(_ batch: [Mutation], from device: Session, via server: TestServer?, harness: SyncHarness) async throws -> [MutationResult] {
        for attempt in 1...30 {
            let answer = try await harness.call(.POST, "/v1/sync/push", body: SyncPushRequest(mutations: batch), token: device.token, via: server)
            if answer.status == 200 { return try answer.decode(SyncPushResponse.self).results }
            guard answer.status == 503 else { throw TestFailure("push: \(answer.status) \(answer.text)") }
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
        }
        throw TestFailure("push was not answered after 30 attempts")
    }
}
