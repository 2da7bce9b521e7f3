import EventStore
import Foundation
import PostgresNIO
import SyncProtocol
import Testing
import TidemarkTestSupport

/// The JSON a pull sends for a todo is the read model's row minus its internal columns, in a
/// snapshot page and in a change page alike: a column added to `read.todos` and forgotten in the
/// pull's select fails here.
@Suite("Pulled row shape")
struct SnapshotRowShapeTests {
    @Test("a pulled todo is its read.todos row without last_position, due_day, deleted and deleted_at, in snapshots and changes")
    func todoRowShape() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let id = UUID().uuidString.lowercased()
            _ = try await ana.push([
                (
                    "todo.create",
                    .object([
                        "todo_id": .string(id), "title": .string("Tea \"green\" ✓"), "description": .string("line\nbreak"),
                        "tags": .array([.string("home"), .string("a,b")]), "due_at": .string("2027-01-20T18:00:00.250Z"),
                    ])
                )
            ])
            var snapshot: JSONValue?
            var cursor: String?
            try await eventually("the todo is in a snapshot") {
                cursor = nil
                while true {
                    let page = try (try await ana.pull(cursor: cursor)).decode(PullResponse.self)
                    if let change = page.changes.first(where: { $0.entity == .todos && $0.key == id }) { snapshot = change.row }
                    cursor = page.cursor
                    if !page.hasMore { break }
                }
                return snapshot != nil
            }
            let expected = try await tableRow(h, id)
            #expect(snapshot == expected)
            #expect(snapshot?.objectValue?.keys.contains("last_position") == false)
            #expect(snapshot?.objectValue?.keys.contains("deleted") == false)

            // A change page answers the row the same way.
            _ = try await ana.push([("todo.edit", .object(["todo_id": .string(id), "title": .string("Tea, renamed")]))])
            var changed: JSONValue?
            try await eventually("the edit arrives as a change") {
                while true {
                    let page = try (try await ana.pull(cursor: cursor)).decode(PullResponse.self)
                    if let change = page.changes.last(where: { $0.entity == .todos && $0.key == id }) { changed = change.row }
                    cursor = page.cursor
                    if !page.hasMore { break }
                }
                return changed?["title"]?.stringValue == "Tea, renamed"
            }
            #expect(changed == (try await tableRow(h, id)))
        }
    }

    /// The row as `to_jsonb` renders it, without the columns a pull leaves out.
    private func tableRow(_ h: SyncHarness, _ id: String) async throws -> JSONValue? {
        let rows = try await h.store.client.query(
            "SELECT (to_jsonb(t) - 'last_position' - 'due_day' - 'deleted' - 'deleted_at')::text FROM read.todos t WHERE todo_id = \(UUID(uuidString: id))",
            logger: h.logger)
        for try await text in rows.decode(String.self) { return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        return nil
    }
}
