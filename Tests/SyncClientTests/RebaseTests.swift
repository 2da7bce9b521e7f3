import Foundation
import GRDB
import SyncProtocol
import Testing

@testable import SyncClient

@Suite("Pull, push answers and rebase")
struct RebaseTests {
    @Test("a pending edit stays on top of a newer server row, other fields follow the server")
    func pendingEditSurvivesPull() async throws {
        // Given a pulled todo and a local pending title edit
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()
        _ = try await replica.applyPullPage(
            ReplicaFixture.page([
                ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "Old"))
            ]))
        try await replica.enqueue(.todoEdit, args: .object(["todo_id": .string(id), "title": "Mine"]))

        // When a pull brings a newer server row (another device changed title and description)
        _ = try await replica.applyPullPage(
            ReplicaFixture.page(
                [
                    ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "Theirs", description: "From the web"))
                ], cursor: "c2"))

        // Then the visible row has my title on top of the server's description; the server copy is kept
        let visible = try #require(try await replica.row(RowRef(.todos, id)))
        #expect(visible["title"] == "Mine")
        #expect(visible["description"] == "From the web")
        #expect(try await replica.serverRow(RowRef(.todos, id))?["title"] == "Theirs")
        #expect(try await replica.setting(.cursor) == "c2")
        #expect(try await replica.pending(limit: 10).count == 1)
    }

    @Test("a rejection rolls the row back to the server copy and lands in rejections")
    func rejectionRollsBack() async throws {
        // Given a pulled open todo completed locally
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()
        _ = try await replica.applyPullPage(
            ReplicaFixture.page([
                ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "Pay rent"))
            ]))
        let complete = try await replica.enqueue(.todoComplete, args: .object(["todo_id": .string(id)]))
        #expect(try await replica.row(RowRef(.todos, id))?["status"] == "completed")

        // When the server rejects it
        let outcome = try await replica.applyPushResults([
            MutationResult(id: complete.id, seq: complete.seq, status: .rejected, code: "deleted", message: "the todo was deleted")
        ])

        // Then the row is the server's again, the queue is empty, and the rejection is kept
        #expect(try await replica.row(RowRef(.todos, id))?["status"] == "open")
        #expect(try await replica.row(RowRef(.todos, id))?["completed_at"] == .null)
        #expect(try await replica.queued().isEmpty)
        #expect(outcome.rejections.map(\.id) == [complete.id])
        let kept = try await replica.rejections()
        #expect(kept.count == 1)
        #expect(kept.first?.code == "deleted")
        #expect(kept.first?.message == "the todo was deleted")
        #expect(kept.first?.name == .todoComplete)
        #expect(kept.first?.seq == complete.seq)
    }

    @Test("a rejected create removes the row that never existed on the server; later mutations still apply")
    func rejectedCreateDisappears() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let rejectedID = ReplicaFixture.newID()
        let keptID = ReplicaFixture.newID()
        let bad = try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(rejectedID), "title": "Dup"]))
        let good = try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(keptID), "title": "Fine"]))

        let outcome = try await replica.applyPushResults([
            MutationResult(id: bad.id, seq: bad.seq, status: .rejected, code: "already_exists", message: "exists"),
            MutationResult(id: good.id, seq: good.seq, status: .applied, positions: [42]),
        ])

        #expect(outcome.applied == 1)
        #expect(try await replica.row(RowRef(.todos, rejectedID)) == nil)
        #expect(try await replica.row(RowRef(.todos, keptID))?["title"] == "Fine")
        let queued = try await replica.queued()
        #expect(queued.map(\.id) == [good.id])
        #expect(queued.first?.status == .applied)
        #expect(queued.first?.positions == [42])
    }

    @Test("a reset page drops every replicated row but keeps pending mutations applied on top")
    func resetKeepsPending() async throws {
        // Given two pulled todos, a local edit of the first and a local new todo
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let kept = ReplicaFixture.newID()
        let gone = ReplicaFixture.newID()
        let local = ReplicaFixture.newID()
        _ = try await replica.applyPullPage(
            ReplicaFixture.page([
                ReplicaFixture.upsert(.todos, kept, ReplicaFixture.serverTodo(kept, title: "Kept")),
                ReplicaFixture.upsert(.todos, gone, ReplicaFixture.serverTodo(gone, title: "Gone")),
            ]))
        try await replica.enqueue(.todoEdit, args: .object(["todo_id": .string(kept), "priority": "high"]))
        try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(local), "title": "Local"]))

        // When a snapshot's first page (reset) holds only the first todo
        let outcome = try await replica.applyPullPage(
            ReplicaFixture.page(
                [
                    ReplicaFixture.upsert(.todos, kept, ReplicaFixture.serverTodo(kept, title: "Kept v2"))
                ], reset: true, cursor: "snap-1", hasMore: true))

        // Then the unlisted row is gone, the listed one carries the pending edit, the local todo stays
        #expect(outcome.changes == 1)
        #expect(try await replica.row(RowRef(.todos, gone)) == nil)
        #expect(try await replica.serverRow(RowRef(.todos, gone)) == nil)
        let visible = try #require(try await replica.row(RowRef(.todos, kept)))
        #expect(visible["title"] == "Kept v2")
        #expect(visible["priority"] == "high")
        #expect(try await replica.row(RowRef(.todos, local))?["title"] == "Local")
        #expect(try await replica.pending(limit: 10).count == 2)
    }

    @Test("included_seq drops applied mutations; until then they are still re-applied")
    func includedSeqDropsApplied() async throws {
        // Given a pulled todo, a local edit that the server applied
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()
        _ = try await replica.applyPullPage(
            ReplicaFixture.page([
                ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "Before"))
            ]))
        let edit = try await replica.enqueue(.todoEdit, args: .object(["todo_id": .string(id), "title": "After"]))
        _ = try await replica.applyPushResults([MutationResult(id: edit.id, seq: edit.seq, status: .applied, positions: [7])])

        // When a pull whose state does not include it yet arrives (a stale server row)
        _ = try await replica.applyPullPage(
            ReplicaFixture.page(
                [
                    ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "Before", description: "x"))
                ], includedSeq: 0, cursor: "c2"))

        // Then the applied edit is still shown on top
        #expect(try await replica.row(RowRef(.todos, id))?["title"] == "After")
        #expect(try await replica.queued().map(\.status) == [.applied])

        // When a pull includes it (the server copy now has a different title from a later edit elsewhere)
        let outcome = try await replica.applyPullPage(
            ReplicaFixture.page(
                [
                    ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "After, then renamed"))
                ], includedSeq: edit.seq, cursor: "c3"))

        // Then it leaves the queue and the server's state wins
        #expect(outcome.included == 1)
        #expect(try await replica.queued().isEmpty)
        #expect(try await replica.row(RowRef(.todos, id))?["title"] == "After, then renamed")
    }

    @Test("included_seq keeps pending mutations and later applied ones")
    func includedSeqKeepsPending() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()
        let first = try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(id), "title": "One"]))
        let second = try await replica.enqueue(.todoEdit, args: .object(["todo_id": .string(id), "title": "Two"]))
        let third = try await replica.enqueue(.todoEdit, args: .object(["todo_id": .string(id), "title": "Three"]))
        _ = try await replica.applyPushResults([
            MutationResult(id: first.id, seq: first.seq, status: .applied),
            MutationResult(id: second.id, seq: second.seq, status: .applied),
        ])

        _ = try await replica.applyPullPage(
            ReplicaFixture.page(
                [
                    ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "One"))
                ], includedSeq: 1))

        #expect(try await replica.queued().map(\.seq) == [second.seq, third.seq])
        #expect(try await replica.row(RowRef(.todos, id))?["title"] == "Three")
    }

    @Test("a tombstone removes the row, and a pending edit of it does not bring it back")
    func tombstoneRemovesRow() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()
        _ = try await replica.applyPullPage(
            ReplicaFixture.page([
                ReplicaFixture.upsert(.todos, id, ReplicaFixture.serverTodo(id, title: "Doomed"))
            ]))
        try await replica.enqueue(.todoEdit, args: .object(["todo_id": .string(id), "title": "Edited"]))

        _ = try await replica.applyPullPage(
            ReplicaFixture.page(
                [
                    Change(entity: .todos, key: id, op: .delete)
                ], cursor: "c2"))

        #expect(try await replica.row(RowRef(.todos, id)) == nil)
        #expect(try await replica.serverRow(RowRef(.todos, id)) == nil)
        #expect(try await replica.rows(.todos).isEmpty)
    }

    @Test("an upsert without a row is refused and the page is not applied at all")
    func upsertWithoutRowIsRefused() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let good = ReplicaFixture.newID()

        let error = await #expect(throws: SyncClientError.self) {
            try await replica.applyPullPage(
                ReplicaFixture.page(
                    [
                        ReplicaFixture.upsert(.todos, good, ReplicaFixture.serverTodo(good, title: "Good")),
                        Change(entity: .todos, key: ReplicaFixture.newID(), op: .upsert, row: nil),
                    ], cursor: "never"))
        }

        #expect(error?.code == .badResponse)
        #expect(try await replica.rows(.todos).isEmpty)
        #expect(try await replica.setting(.cursor) == nil)
    }

    @Test("observe yields the rows now and after a local write")
    func observeYieldsChanges() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()
        var iterator = replica.observe(.todos).makeAsyncIterator()

        let initial = try await iterator.next()
        #expect(initial == [])
        try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(id), "title": "Seen"]))
        let next = try await iterator.next()
        #expect(next?.first?["title"] == "Seen")
    }
}
