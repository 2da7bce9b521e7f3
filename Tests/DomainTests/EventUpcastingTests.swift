import Basics
import Foundation
import Testing
import TidemarkTestSupport

@testable import Domain

@Suite("Event schema evolution: upcasting stored payloads to the current version")
struct EventUpcastingTests {
    /// The stored row of `type` in the version-1 fixture log (the `n`-th one).
    static func stored(_ type: String, _ n: Int = 0) throws -> StoredEventRow {
        let rows = SchemaV1Log.events.filter { $0.type == type }
        guard rows.indices.contains(n) else { throw TestFailure("the fixture has no \(type) #\(n)") }
        return rows[n]
    }

    @Test("a TodoCreated stored as version 1 (dueDate) decodes as the current version with its due date")
    func createdV1() throws {
        // Given the v1 row of "Water the plants" exactly as the old build stored it.
        let row = try Self.stored("TodoCreated", 2)
        #expect(row.schemaVersion == 1 && row.data.contains("\"dueDate\""))

        // When it is decoded by the domain.
        let event = try TodoEvent.decode(eventType: row.type, schemaVersion: row.schemaVersion, data: Data(row.data.utf8))

        // Then it is the current event, due date included, and re-encodes as version 2 with `dueAt`.
        guard case .created(let created) = event else { throw TestFailure("not a TodoCreated: \(event)") }
        #expect(created.title == "Water the plants")
        #expect(created.dueDate == WireDate.date(from: "2027-01-15T09:30:00.000Z"))
        #expect(created.tags == ["home", "garden"])
        #expect(created.priority == .low)
        #expect(event.schemaVersion == 2)
        let current = String(decoding: try event.encodedData(), as: UTF8.self)
        #expect(current.contains("\"dueAt\":\"2027-01-15T09:30:00.000Z\"") && !current.contains("dueDate"))
        #expect(try TodoEvent.decode(eventType: "TodoCreated", schemaVersion: 2, data: event.encodedData()) == event)
    }

    @Test("a TodoDueDateChanged stored as version 1 keeps its due date, and a cleared one stays cleared")
    func dueDateChangedV1() throws {
        let row = try Self.stored("TodoDueDateChanged")
        let event = try TodoEvent.decode(eventType: row.type, schemaVersion: 1, data: Data(row.data.utf8))
        guard case .dueDateChanged(let changed) = event else { throw TestFailure("not a TodoDueDateChanged: \(event)") }
        #expect(changed.dueDate == WireDate.date(from: "2027-01-20T18:00:00.000Z"))

        let cleared = #"{"at":"2025-01-31T09:30:00.250Z","tenantID":"01000000-0000-0000-0000-000000000001","todoID":"01000000-0000-0000-0000-000000000001"}"#
        let event2 = try TodoEvent.decode(eventType: "TodoDueDateChanged", schemaVersion: 1, data: Data(cleared.utf8))
        guard case .dueDateChanged(let changed2) = event2 else { throw TestFailure("not a TodoDueDateChanged: \(event2)") }
        #expect(changed2.dueDate == nil)
    }

    @Test("without its upcaster a version-1 TodoCreated would lose its due date: the rename is real")
    func renameIsReal() throws {
        let row = try Self.stored("TodoCreated", 2)
        // Decoding the v1 bytes straight as v2 (what a build without the upcaster would do) drops the due date.
        let raw = try EventCoding.decode(TodoEvent.Created.self, from: Data(row.data.utf8))
        #expect(raw.dueDate == nil)
    }

    @Test("a todo whose stream mixes version-1 and version-2 events folds and takes commands")
    func decideOnMixedStream() throws {
        // Given the open todo's v1 TodoCreated and v1 TodoDueDateChanged, then a v2 TodoDueDateChanged.
        let v1 = SchemaV1Log.events.filter { $0.stream == "todo-\(SchemaV1Log.openTodoID)" }
        #expect(v1.map(\.schemaVersion) == [1, 1])
        var events = try v1.map { try TodoEvent.decode(eventType: $0.type, schemaVersion: $0.schemaVersion, data: Data($0.data.utf8)) }
        let state1 = try #require(Todo.fold(events))
        #expect(state1.dueDate == WireDate.date(from: "2027-01-20T18:00:00.000Z"))
        let owner = Principal.user(state1.ownerID, tenantID: state1.tenantID)
        let newDue = try #require(WireDate.date(from: "2027-02-01T08:00:00.000Z"))
        let decided = try Todo.decide(.changeDueDate(state1.id, newDue), state: state1, context: CommandContext(principal: owner, now: Fixture.t0))
        let stored = try decided.map { ($0.eventType, $0.schemaVersion, try $0.encodedData()) }
        #expect(stored.map(\.1) == [2])
        events += try stored.map { try TodoEvent.decode(eventType: $0.0, schemaVersion: $0.1, data: $0.2) }

        // When the owner completes it.
        let state2 = try #require(Todo.fold(events))
        let completed = try Todo.decide(.complete(state2.id), state: state2, context: CommandContext(principal: owner, now: Fixture.t0))

        // Then the state has every field of both versions and the command is decided as usual.
        #expect(state2.title == "Water the plants" && state2.description == "balcony first" && state2.dueDate == newDue)
        #expect(completed.map(\.eventType) == ["TodoCompleted"])
    }

    @Test("every event of the version-1 log decodes through its aggregate")
    func wholeLogDecodes() throws {
        for row in SchemaV1Log.events {
            let (type, version, data) = (row.type, row.schemaVersion, Data(row.data.utf8))
            switch String(row.stream.prefix { $0 != "-" }) {
            case "todo": _ = try TodoEvent.decode(eventType: type, schemaVersion: version, data: data)
            case "user": _ = try UserEvent.decode(eventType: type, schemaVersion: version, data: data)
            case "tenant": _ = try TenantEvent.decode(eventType: type, schemaVersion: version, data: data)
            case "order": _ = try OrderEvent.decode(eventType: type, schemaVersion: version, data: data)
            case "device": _ = try DeviceEvent.decode(eventType: type, schemaVersion: version, data: data)
            case "notification": _ = try NotificationEvent.decode(eventType: type, schemaVersion: version, data: data)
            case "announcement": _ = try AnnouncementEvent.decode(eventType: type, schemaVersion: version, data: data)
            default: throw TestFailure("unexpected stream \(row.stream)")
            }
        }
    }

    @Test("a version newer than the current one is refused with unsupported_schema_version")
    func futureVersion() throws {
        let data = Data(try Self.stored("TodoCreated").data.utf8)
        #expect(throws: EventDecodingError.unsupportedSchemaVersion(eventType: "TodoCreated", schemaVersion: 3)) {
            try TodoEvent.decode(eventType: "TodoCreated", schemaVersion: 3, data: data)
        }
        #expect(throws: EventDecodingError.unsupportedSchemaVersion(eventType: "TodoTitleChanged", schemaVersion: 2)) {
            try TodoEvent.decode(eventType: "TodoTitleChanged", schemaVersion: 2, data: data)
        }
    }

    @Test("an older version without an upcaster for every step is refused with unsupported_schema_version")
    func missingUpcaster() throws {
        let data = Data(#"{"a":1}"#.utf8)
        // No upcaster at all from 1 to 2.
        #expect(throws: EventDecodingError.unsupportedSchemaVersion(eventType: "TodoCreated", schemaVersion: 1)) {
            try EventCoding.upcast(data, eventType: "TodoCreated", from: 1, to: 2, with: [])
        }
        // 1 → 2 exists, 2 → 3 does not.
        #expect(throws: EventDecodingError.unsupportedSchemaVersion(eventType: "TodoCreated", schemaVersion: 1)) {
            try EventCoding.upcast(data, eventType: "TodoCreated", from: 1, to: 3, with: TodoEvent.upcasters)
        }
        // An upcaster of another type does not count.
        #expect(throws: EventDecodingError.unsupportedSchemaVersion(eventType: "TodoTagsChanged", schemaVersion: 1)) {
            try EventCoding.upcast(data, eventType: "TodoTagsChanged", from: 1, to: 2, with: TodoEvent.upcasters)
        }
        // Version 0 never existed.
        #expect(throws: EventDecodingError.unsupportedSchemaVersion(eventType: "TodoCreated", schemaVersion: 0)) {
            try TodoEvent.decode(eventType: "TodoCreated", schemaVersion: 0, data: data)
        }
    }

    @Test("a chain applies its steps in order, 1 → 2 → 3")
    func chainOrder() throws {
        let upcasters = [
            EventUpcaster(eventType: "Thing", fromVersion: 2) { payload throws(EventDecodingError) in
                var next = payload
                next["size"] = .number((payload["size"]?.doubleValue ?? 0) * 10)
                return next
            },
            .renaming("Thing", fromVersion: 1, field: "length", to: "size"),
        ]
        let data = try EventCoding.upcast(Data(#"{"length":4,"name":"box"}"#.utf8), eventType: "Thing", from: 1, to: 3, with: upcasters)
        #expect(String(decoding: data, as: UTF8.self) == #"{"name":"box","size":40}"#)
    }

    @Test("a payload an upcaster cannot read is refused with upcast_failed")
    func upcastFailed() throws {
        for bad in ["[1,2]", "{nope", #"{"dueDate":"2027-01-15T09:30:00.000Z","dueAt":"2027-01-15T09:30:00.000Z"}"#] {
            let error = #expect(throws: EventDecodingError.self) {
                try TodoEvent.decode(eventType: "TodoCreated", schemaVersion: 1, data: Data(bad.utf8))
            }
            #expect(error?.code == .upcastFailed, "\(bad)")
            #expect(error?.schemaVersion == 1)
        }
    }
}
