import Basics
import Foundation

/// Maps Swift event types to wire names and schema versions, and upcasts old data on the way in.
///
/// ```swift
/// var registry = EventTypeRegistry()
/// registry.register(TodoRenamed.self, upcasters: [Upcaster(eventType: "TodoRenamed", fromVersion: 1) { v1 in … }])
/// let event = try registry.decode(recorded, as: TodoRenamed.self)
/// ```
public struct EventTypeRegistry: Sendable {
    private var currentVersions: [String: Int] = [:]
    private var upcasters: [String: [Int: Upcaster]] = [:]
    private var decoders: [String: @Sendable (Data) throws -> any TypedEvent] = [:]

    /// Creates an empty registry.
    public init() {}

    /// Registers an event type and the upcasters that bring its older versions to the current one.
    public mutating func register<Event: TypedEvent>(_ type: Event.Type, upcasters: [Upcaster] = []) {
        currentVersions[Event.eventType] = Event.schemaVersion
        var chain = self.upcasters[Event.eventType] ?? [:]
        for upcaster in upcasters where upcaster.eventType == Event.eventType {
            chain[upcaster.fromVersion] = upcaster
        }
        self.upcasters[Event.eventType] = chain
        decoders[Event.eventType] = { data in
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(Event.self, from: data)
        }
    }

    /// Whether `eventType` is registered.
    public func isRegistered(_ eventType: String) -> Bool { currentVersions[eventType] != nil }

    /// Builds the ``EventData`` that stores `event` at its current schema version.
    public static func encode<Event: TypedEvent>(_ event: Event, id: UUID = UUID(), metadata: EventMetadata = EventMetadata()) throws(EventStoreError)
        -> EventData
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        do {
            let data = try encoder.encode(event)
            return EventData(id: id, type: Event.eventType, schemaVersion: Event.schemaVersion, data: data, metadata: metadata)
        } catch {
            throw EventStoreError(.invalidJSON, "event \(Event.eventType) cannot be encoded as JSON")
        }
    }

    /// Brings stored data to the current schema version of its type.
    /// - Returns: The data at the current version (unchanged when it already is).
    /// - Throws: `upcastFailed` when a step of the chain is missing or fails, or the stored version is newer.
    public func upcast(type: String, schemaVersion: Int, data: Data) throws(EventStoreError) -> Data {
        guard let current = currentVersions[type] else {
            throw EventStoreError(.decodingFailed, "event type '\(type)' is not registered")
        }
        if schemaVersion == current { return data }
        guard schemaVersion < current else {
            throw EventStoreError(.upcastFailed, "event '\(type)' has schema version \(schemaVersion), newer than this build's \(current)")
        }
        var value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw EventStoreError(.decodingFailed, "event '\(type)' v\(schemaVersion) is not valid JSON")
        }
        for version in schemaVersion..<current {
            guard let step = upcasters[type]?[version] else {
                throw EventStoreError(.upcastFailed, "no upcaster for '\(type)' from schema version \(version) to \(version + 1)")
            }
            do {
                value = try step.transform(value)
            } catch {
                throw EventStoreError(.upcastFailed, "upcasting '\(type)' from schema version \(version) failed: \(error)")
            }
        }
        do {
            return try JSONEncoder().encode(value)
        } catch {
            throw EventStoreError(.upcastFailed, "upcasted '\(type)' cannot be encoded")
        }
    }

    /// Decodes a stored event as `Event`, upcasting it first.
    public func decode<Event: TypedEvent>(_ recorded: RecordedEvent, as type: Event.Type) throws(EventStoreError) -> Event {
        guard recorded.type == Event.eventType else {
            throw EventStoreError(.decodingFailed, "event at position \(recorded.position) is a '\(recorded.type)', not a '\(Event.eventType)'")
        }
        let data = try upcast(type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data)
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(Event.self, from: data)
        } catch {
            throw EventStoreError(.decodingFailed, "event at position \(recorded.position) ('\(recorded.type)') does not match its Swift type: \(error)")
        }
    }

    /// Decodes a stored event as whatever type is registered for its name.
    public func decode(_ recorded: RecordedEvent) throws(EventStoreError) -> any TypedEvent {
        guard let decoder = decoders[recorded.type] else {
            throw EventStoreError(.decodingFailed, "event type '\(recorded.type)' is not registered")
        }
        let data = try upcast(type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data)
        do {
            return try decoder(data)
        } catch {
            throw EventStoreError(.decodingFailed, "event at position \(recorded.position) ('\(recorded.type)') does not match its Swift type: \(error)")
        }
    }
}
