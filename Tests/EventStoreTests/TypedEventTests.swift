import Basics
import EventStore
import Foundation
import Testing
import TidemarkTestSupport

/// Version 2 of an event whose version 1 stored a single `name`.
struct PersonRenamed: TypedEvent, Equatable {
    static let eventType = "PersonRenamed"
    static let schemaVersion = 2
    var firstName: String
    var lastName: String
}

@Suite("Typed events and upcasting")
struct TypedEventTests {
    static func registry() -> EventTypeRegistry {
        var registry = EventTypeRegistry()
        registry.register(
            PersonRenamed.self,
            upcasters: [
                Upcaster(eventType: "PersonRenamed", fromVersion: 1) { v1 in
                    let parts = (v1["name"]?.stringValue ?? "").split(separator: " ", maxSplits: 1).map(String.init)
                    return .object(["firstName": .string(parts.first ?? ""), "lastName": .string(parts.count > 1 ? parts[1] : "")])
                }
            ])
        return registry
    }

    @Test("a v1 event stored yesterday decodes as v2 today, and a v2 event round-trips")
    func upcastsStoredEvents() async throws {
        try await withFreshStore { store, _ in
            let stream = Fixtures.stream("person")
            try await store.append(
                to: stream, expected: .noStream,
                events: [
                    EventData(type: "PersonRenamed", schemaVersion: 1, json: #"{"name":"Ada Lovelace"}"#),
                    try EventTypeRegistry.encode(PersonRenamed(firstName: "Grace", lastName: "Hopper")),
                ])
            let stored = try await store.read(stream: stream)
            let registry = Self.registry()
            #expect(try registry.decode(stored[0], as: PersonRenamed.self) == PersonRenamed(firstName: "Ada", lastName: "Lovelace"))
            #expect(try registry.decode(stored[1], as: PersonRenamed.self) == PersonRenamed(firstName: "Grace", lastName: "Hopper"))
            #expect(stored[1].schemaVersion == 2)
            #expect((try registry.decode(stored[0])) is PersonRenamed)
        }
    }

    @Test("a missing upcaster, a newer version or an unknown type fails with a clear code")
    func upcastFailures() throws {
        var registry = EventTypeRegistry()
        registry.register(PersonRenamed.self)
        let v1 = Data(#"{"name":"x"}"#.utf8)
        #expect(throws: EventStoreError.self) { try registry.upcast(type: "PersonRenamed", schemaVersion: 1, data: v1) }
        do {
            _ = try registry.upcast(type: "PersonRenamed", schemaVersion: 3, data: v1)
            Issue.record("expected upcastFailed")
        } catch {
            #expect(error.code == .upcastFailed)
        }
        do {
            _ = try registry.upcast(type: "Unknown", schemaVersion: 1, data: v1)
            Issue.record("expected decodingFailed")
        } catch {
            #expect(error.code == .decodingFailed)
        }
    }
}
