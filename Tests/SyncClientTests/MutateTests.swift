import Foundation
import GRDB
import SyncProtocol
import Testing

@testable import SyncClient

@Suite("Optimistic local writes")
struct MutateTests {
    @Test("todo.create shows the todo at once with the server's defaults and queues the mutation")
    func createAppliesOptimistically() async throws {
        // Given a signed-in replica
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()

        // When a todo is created locally
        let mutation = try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(id), "title": "Buy milk"]))

        // Then it is visible with defaults, and queued as pending seq 1
        let row = try #require(try await replica.row(RowRef(.todos, id)))
        #expect(row["title"] == "Buy milk")
        #expect(row["status"] == "open")
        #expect(row["priority"] == "medium")
        #expect(row["type"] == "personal")
        #expect(row["description"] == "")
        #expect(row["tags"] == .array([]))
        #expect(row["owner_id"] == .string(ReplicaFixture.userID))
        #expect(row["tenant_id"] == .string(ReplicaFixture.tenantID))
        #expect(row["created_at"] == .string(mutation.createdAt))
        #expect(mutation.seq == 1)
        #expect(mutation.status == .pending)
        #expect(try await replica.pending(limit: 100).map(\.id) == [mutation.id])
        #expect(try await replica.serverRow(RowRef(.todos, id)) == nil)
    }

    @Test("the queue and the optimistic rows survive closing and reopening the file")
    func queueSurvivesReopen() async throws {
        // Given two local mutations in a replica that is then closed
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let id = ReplicaFixture.newID()
        let first = try await fixture.open()
        let create = try await first.enqueue(.todoCreate, args: .object(["todo_id": .string(id), "title": "Draft"]))
        let edit = try await first.enqueue(.todoEdit, args: .object(["todo_id": .string(id), "title": "Final"]))
        try first.close()

        // When the file is reopened
        let second = try await fixture.open()
        let queued = try await second.queued()

        // Then both mutations are still pending in order, the row shows them, and seq continues
        #expect(queued.map(\.id) == [create.id, edit.id])
        #expect(queued.map(\.seq) == [1, 2])
        #expect(queued.allSatisfy { $0.status == .pending })
        #expect(queued[1].args["title"] == "Final")
        #expect(try await second.row(RowRef(.todos, id))?["title"] == "Final")
        let next = try await second.enqueue(.todoComplete, args: .object(["todo_id": .string(id)]))
        #expect(next.seq == 3)
        #expect(try await second.row(RowRef(.todos, id))?["status"] == "completed")
    }

    @Test("a missing id member is refused with invalid_mutation and nothing is written")
    func missingIDIsRefused() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()

        let error = await #expect(throws: SyncClientError.self) {
            try await replica.enqueue(.todoEdit, args: .object(["title": "No id"]))
        }
        #expect(error?.code == .invalidMutation)
        #expect(error?.message.contains("todo_id") == true)
        #expect(try await replica.queued().isEmpty)
        #expect(try await replica.setting(.nextSeq) == "1")
        #expect(try await replica.rows(.todos).isEmpty)
    }

    @Test("an id that is not a UUID, or arguments that are not an object, are refused")
    func badShapesAreRefused() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()

        let notUUID = await #expect(throws: SyncClientError.self) {
            try await replica.enqueue(.todoComplete, args: .object(["todo_id": "todo-1"]))
        }
        #expect(notUUID?.code == .invalidMutation)
        let notObject = await #expect(throws: SyncClientError.self) {
            try await replica.enqueue(.todoComplete, args: .array([]))
        }
        #expect(notObject?.code == .invalidMutation)
        let noItems = await #expect(throws: SyncClientError.self) {
            try await replica.enqueue(
                .orderPlace,
                args: .object([
                    "order_id": .string(ReplicaFixture.newID()), "currency": "EUR", "items": .array([]),
                ]))
        }
        #expect(noItems?.code == .invalidMutation)
        #expect(try await replica.queued().isEmpty)
    }

    @Test("ids are lowercased so local keys match the server's")
    func idsAreLowercased() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()

        let mutation = try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(id.uppercased()), "title": "Caps"]))

        #expect(mutation.args["todo_id"] == .string(id))
        #expect(try await replica.row(RowRef(.todos, id)) != nil)
    }

    @Test("an unknown mutation name is refused with unknown_mutation and nothing is written")
    func unknownNameIsRefused() async throws {
        // Given a client on a new replica (no network is used)
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let client = try await SyncClient(configuration: .init(databasePath: fixture.path, serverURL: "http://127.0.0.1:9"))

        // When a mutation with an unknown name is made
        let error = await #expect(throws: SyncClientError.self) {
            try await client.mutate(named: "todo.explode", args: .object(["todo_id": .string(ReplicaFixture.newID())]))
        }

        // Then it is refused and the queue stays empty
        #expect(error?.code == .unknownMutation)
        #expect(try await client.queuedMutations().isEmpty)
        #expect(try await client.status().pendingMutations == 0)
    }
}
