import Foundation

/// An event of one aggregate: a fact with a stable wire name and a schema version.
public protocol DomainEvent: Sendable, Equatable {
    /// Stable wire name of this event, e.g. "TodoCreated".
    var eventType: String { get }
    /// Schema version of this event's data.
    var schemaVersion: Int { get }
    /// JSON object bytes of the payload (deterministic: sorted keys, ISO-8601 dates).
    func encodedData() throws -> Data
    /// Decodes a payload stored under `eventType` at `schemaVersion`: the current version, or an
    /// older one that ``upcasters`` bring to the current version first.
    /// - Throws: ``EventDecodingError`` for an unknown type, a version this build cannot read or a
    ///   payload an upcaster cannot rewrite; a `DecodingError` for a payload of the wrong shape.
    static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> Self
    /// All wire names this aggregate's events use, with their current schema versions.
    static var eventTypes: [String: Int] { get }
    /// The upcasters that bring the older schema versions of these events to the current ones:
    /// one per event type and version below its current one (none while every event is version 1).
    static var upcasters: [EventUpcaster] { get }
    /// The payload fields of each event type that hold personal data, and which member names
    /// their owner; they are stored encrypted with that user's data key.
    static var personalFields: [String: PersonalFieldRule] { get }
}

extension DomainEvent {
    /// None: every event of the aggregate is still at its first schema version.
    public static var upcasters: [EventUpcaster] { [] }

    /// None: the aggregate's events hold no personal fields.
    public static var personalFields: [String: PersonalFieldRule] { [:] }
}

extension DomainEvent {
    /// The tenant every event of Tidemark belongs to, read back from the encoded payload.
    ///
    /// Convenience for the event log, which stores a tenant per event.
    public func tenantIDFromPayload() throws -> TenantID {
        try EventCoding.decode(TenantEnvelope.self, from: encodedData()).tenantID
    }
}

/// The one field every event payload carries.
private struct TenantEnvelope: Decodable {
    let tenantID: TenantID
}
