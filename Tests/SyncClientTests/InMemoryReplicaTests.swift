import Foundation
import GRDB
import SyncProtocol
import Testing

@testable import SyncClient

/// The replica on any GRDB `DatabaseWriter`: an in-memory `DatabaseQueue` here, no file.
@Suite("A replica in memory")
struct InMemoryReplicaTests {
    /// A migrated replica in a new in-memory database, signed in as the fixture's user.
    static func open() async throws -> Replica {
        let replica = try Replica(writer: try DatabaseQueue())
        try await replica.set([.userID: ReplicaFixture.userID, .tenantID: ReplicaFixture.tenantID])
        return replica
    }

    @Test("an in-memory DatabaseQueue migrates, queues a mutation with its effect, and rebases it on a pull")
    func queueAndPull() async throws {
        // Given a replica in memory
        let replica = try await Self.open()
        #expect(try await replica.setting(.nextSeq) == "1")
        #expect(UUID(uuidString: try #require(try await replica.setting(.deviceID))) != nil)

        // When a todo is made locally, the server applies it, and a pull brings the server's row
        let id = ReplicaFixture.newID()
        let queued = try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(id), "title": "Local"]))
        #expect(queued.seq == 1 && queued.status == .pending && queued.positions.isEmpty)
        #expect(try await replica.row(RowRef(.todos, id))?["title"] == "Local")
        let outcome = try await replica.applyPushResults([MutationResult(id: queued.id, seq: queued.seq, status: .applied, positions: [7, 8])])
        #expect(outcome.applied == 1)
        #expect(try await replica.queued().map(\.positions) == [[7, 8]])
        _ = try await replica.applyPullPage(
            ReplicaFixture.page(
                [ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "Server"))], includedSeq: 1))

        // Then the server's row is visible and the queue is empty
        #expect(try await replica.row(RowRef(.todos, id))?["title"] == "Server")
        #expect(try await replica.queued().isEmpty)
    }

    @Test("a rejection is stored as a record, listed, retried as a new mutation and dismissed")
    func rejections() async throws {
        let replica = try await Self.open()
        let id = ReplicaFixture.newID()
        let queued = try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(id), "title": "Refused"]))
        // When the server rejects it (twice: the second answer replaces the first)
        for _ in 0..<2 {
            _ = try await replica.applyPushResults([MutationResult(id: queued.id, seq: queued.seq, status: .rejected, code: "forbidden", message: "no")])
        }
        let rejections = try await replica.rejections()
        #expect(rejections.map(\.id) == [queued.id])
        #expect(rejections.first?.args["title"] == "Refused")
        #expect(try await replica.row(RowRef(.todos, id)) == nil)
        // Then a retry queues it again under a new id and sequence number
        let retried = try await replica.retryRejection(id: queued.id)
        #expect(retried.id != queued.id && retried.seq == 2)
        #expect(try await replica.rejections().isEmpty)
        await #expect(throws: SyncClientError.self) { try await replica.dismissRejection(id: queued.id) }
    }

    @Test("observe throws when the replica cannot be read, instead of ending quietly")
    func observeThrows() async throws {
        // Given an observation of the todos
        let replica = try await Self.open()
        var iterator = replica.observe(.todos).makeAsyncIterator()
        #expect(try await iterator.next() == [])

        // When a row gets in whose JSON SQLite takes but Swift cannot read (a number out of range)
        try await replica.write { db in
            try db.execute(sql: #"INSERT INTO todos (key, data) VALUES ('broken', '{"title": 1e400}')"#)
        }

        // Then the observation throws the replica's error
        let error = await #expect(throws: SyncClientError.self) { _ = try await iterator.next() }
        #expect(error?.code == .database)
    }
}
