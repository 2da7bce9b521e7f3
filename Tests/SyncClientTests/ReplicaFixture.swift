import Foundation
import SyncProtocol

@testable import SyncClient

/// A replica file in a fresh temporary directory, signed in as a fixed user (no network).
struct ReplicaFixture {
    static let userID = "11111111-1111-4111-8111-111111111111"
    static let tenantID = "22222222-2222-4222-8222-222222222222"

    let directory: URL
    let path: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-replica-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("replica.sqlite").path
    }

    /// Opens the replica with the fixture's user as its context.
    func open() async throws -> Replica {
        let replica = try Replica(path: path)
        try await replica.set([.userID: Self.userID, .tenantID: Self.tenantID])
        return replica
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    /// A server `todos` row.
    static func serverTodo(_ id: String, title: String, status: String = "open", description: String = "") -> JSONValue {
        .object([
            "todo_id": .string(id), "tenant_id": .string(tenantID), "owner_id": .string(userID),
            "title": .string(title), "description": .string(description), "priority": "medium", "type": "personal",
            "status": .string(status), "tags": .array([]), "due_at": .null, "completed_at": .null,
            "cancelled_at": .null, "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z",
        ])
    }

    /// A pull page.
    static func page(_ changes: [Change], reset: Bool = false, includedSeq: Int64 = 0, cursor: String = "c1", hasMore: Bool = false) -> PullResponse {
        PullResponse(changes: changes, cursor: cursor, hasMore: hasMore, reset: reset, includedSeq: includedSeq)
    }

    static func upsert(_ entity: SyncEntity, _ key: String, _ row: JSONValue) -> Change {
        Change(entity: entity, key: key, op: .upsert, row: row)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal is a JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
}
