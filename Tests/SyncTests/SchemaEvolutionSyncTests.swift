import Domain
import EventStore
import Foundation
import PostgresNIO
import Projections
import SyncProtocol
import Testing
import TidemarkTestSupport

@Suite("Event schema evolution: sync on a log written by the version-1 build", .timeLimit(.minutes(5)))
struct SchemaEvolutionSyncTests {
    @Test("a server on a version-1 log signs its users in, pulls their todos in the current shape and takes mutations on todos created as version 1")
    func pullAndPushOnOldLog() async throws {
        try await SyncHarness.with { harness in
            // Given a server whose log is the version-1 fixture, inserted with plain SQL.
            try await SchemaV1Log.insert(into: harness.store.client, logger: harness.logger)

            // When user1 (registered by the old build) signs in once the projections caught up, and pulls.
            try await eventually("the users and todos projections have the version-1 log") {
                let rows = try await harness.store.client.query(
                    "SELECT (SELECT count(*) FROM read.users WHERE username = 'user1') + (SELECT count(*) FROM read.todos)", logger: harness.logger)
                for try await count in rows.decode(Int64.self) { return count == 4 }
                return false
            }
            let user1 = try await harness.signIn(SchemaV1Log.username, tenantCode: SchemaV1Log.tenantCode, password: SchemaV1Log.password)
            var replica = Replica()
            try await eventually("the three todos of the version-1 log are pulled") {
                try await user1.pullAll(into: &replica)
                return replica.rows(.todos).count == 3
            }

            // Then the todo created as v1 (due 2027-01-15) and re-dated as v1 arrives with its due date.
            let open = try #require(replica.rows(.todos)[SchemaV1Log.openTodoID])
            #expect(open["title"]?.stringValue == "Water the plants")
            #expect(open["due_at"]?.stringValue?.hasPrefix("2027-01-20T18:00:00") == true, "\(open)")
            #expect(open["status"]?.stringValue == "open")

            // And mutations on it are decided on the mixed stream and written as version 2.
            let answer = try await user1.push([
                ("todo.edit", .object(["todo_id": .string(SchemaV1Log.openTodoID), "due_at": .string("2027-02-01T08:00:00.000Z")])),
                ("todo.complete", .object(["todo_id": .string(SchemaV1Log.openTodoID)])),
            ])
            #expect(answer.results.map(\.status) == [.applied, .applied], "\(answer.results)")
            let stream = try StreamName("todo-\(SchemaV1Log.openTodoID)")
            let stored = try await harness.store.readAll(stream: stream)
            #expect(
                stored.map { "\($0.type) v\($0.schemaVersion)" } == [
                    "TodoCreated v1", "TodoDueDateChanged v1", "TodoDueDateChanged v2", "TodoCompleted v1",
                ])

            // And the next pull has the todo in its new state.
            try await eventually("the pull shows the edit and the completion") {
                try await user1.pullAll(into: &replica)
                let row = replica.rows(.todos)[SchemaV1Log.openTodoID]
                return row?["status"]?.stringValue == "completed" && row?["due_at"]?.stringValue?.hasPrefix("2027-02-01T08:00:00") == true
            }
        }
    }
}
