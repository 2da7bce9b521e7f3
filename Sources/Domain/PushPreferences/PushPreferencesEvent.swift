import Foundation

/// Events of the ``PushPreferences`` aggregate.
public enum PushPreferencesEvent: DomainEvent {
    /// `PushPreferencesSet` v1.
    case set(Changed)

    /// Payload of `PushPreferencesSet`.
    public struct Changed: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The user.
        public var userID: UserID
        /// The new preferences, whole.
        public var settings: PushSettings
        /// When they changed.
        public var at: Date
    }

    /// All wire names with their current schema versions.
    public static let eventTypes: [String: Int] = ["PushPreferencesSet": 1]

    /// The wire name of this event.
    public var eventType: String {
        switch self {
        case .set: "PushPreferencesSet"
        }
    }

    /// The schema version of this event's data.
    public var schemaVersion: Int { Self.eventTypes[eventType] ?? 1 }

    /// The deterministic JSON payload.
    public func encodedData() throws -> Data {
        switch self {
        case .set(let payload): try EventCoding.encode(payload)
        }
    }

    /// Decodes a stored payload.
    public static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> PushPreferencesEvent {
        guard let current = eventTypes[eventType] else { throw EventDecodingError.unknownEventType(eventType) }
        switch eventType {
        case "PushPreferencesSet":
            return .set(
                try EventCoding.decode(
                    Changed.self, eventType: eventType, schemaVersion: schemaVersion, current: current, upcasters: upcasters, data: data))
        default:
            throw EventDecodingError.unknownEventType(eventType)
        }
    }
}
