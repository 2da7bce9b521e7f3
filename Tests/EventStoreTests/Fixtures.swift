import EventStore
import Foundation

/// Small builders shared by the event store tests.
enum Fixtures {
    static func stream(_ category: String = "test") -> StreamName {
        // Fresh stream ids keep tests independent even on a shared database.
        (try? StreamName("\(category)-\(UUID().uuidString.lowercased())")) ?? { preconditionFailure("valid stream") }()
    }

    static func event(_ type: String = "Something", _ json: String = #"{"n":1}"#, tenant: String? = nil, id: UUID = UUID()) -> EventData {
        EventData(id: id, type: type, json: json, metadata: EventMetadata(tenantID: tenant, actorID: "user-1"))
    }

    static func events(_ count: Int, tenant: String? = nil) -> [EventData] {
        (0..<count).map { event("Numbered", #"{"n":\#($0)}"#, tenant: tenant) }
    }
}

/// Thrown inside a test transaction to roll it back on purpose.
struct DeliberateRollback: Error {}
