import Foundation

/// An event to append: its id, type, schema version, JSON data and metadata.
public struct EventData: Sendable, Hashable {
    /// The event's unique id (time-ordered UUIDv7 by default). Re-appending an already stored id is an idempotent retry.
    public var id: UUID
    /// The event type's stable wire name, for example `TodoCreated`.
    public var type: String
    /// The schema version of ``data``.
    public var schemaVersion: Int
    /// The payload: the UTF-8 bytes of a JSON object.
    public var data: Data
    /// Who and what caused the event.
    public var metadata: EventMetadata

    /// Creates an event to append.
    /// - Parameters:
    ///   - id: The event id (a new random one by default).
    ///   - type: The event type's wire name.
    ///   - schemaVersion: The schema version of `data` (default 1).
    ///   - data: The UTF-8 bytes of a JSON object.
    ///   - metadata: Who and what caused the event.
    public init(id: UUID = .timeOrdered(), type: String, schemaVersion: Int = 1, data: Data, metadata: EventMetadata = EventMetadata()) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
    }

    /// Creates an event whose data is a JSON object given as a string.
    public init(id: UUID = .timeOrdered(), type: String, schemaVersion: Int = 1, json: String, metadata: EventMetadata = EventMetadata()) {
        self.init(id: id, type: type, schemaVersion: schemaVersion, data: Data(json.utf8), metadata: metadata)
    }
}
