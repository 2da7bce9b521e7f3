import Foundation

/// An event of one aggregate: a fact with a stable wire name and a schema version.
public protocol DomainEvent: Sendable, Equatable {
    /// Stable wire name of this event, e.g. "TodoCreated".
    var eventType: String { get }
    /// Schema version of this event's data.
    var schemaVersion: Int { get }
    /// JSON object bytes of the payload (deterministic: sorted keys, ISO-8601 dates).
    func encodedData() throws -> Data
    /// Decodes a payload stored under `eventType` at the current schema version.
    static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> Self
    /// All wire names this aggregate's events use, with their current schema versions.
    static var eventTypes: [String: Int] { get }
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
