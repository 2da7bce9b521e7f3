import Foundation

/// Events of the ``Tenant`` aggregate.
public enum TenantEvent: DomainEvent {
    /// `TenantCreated` v1.
    case created(Created)
    /// `TenantRenamed` v1.
    case renamed(Renamed)
    /// `TenantDeactivated` v1.
    case deactivated(Deactivated)

    /// Payload of `TenantCreated`.
    public struct Created: Codable, Sendable, Equatable {
        /// The new tenant.
        public var tenantID: TenantID
        /// Display name.
        public var name: String
        /// Unique short code.
        public var code: String
        /// When it was created.
        public var at: Date
    }

    /// Payload of `TenantRenamed`.
    public struct Renamed: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The new display name.
        public var name: String
        /// When it was renamed.
        public var at: Date
    }

    /// Payload of `TenantDeactivated`.
    public struct Deactivated: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// When it was deactivated.
        public var at: Date
    }

    /// All wire names with their current schema versions.
    public static let eventTypes: [String: Int] = ["TenantCreated": 1, "TenantRenamed": 1, "TenantDeactivated": 1]

    /// The wire name of this event.
    public var eventType: String {
        switch self {
        case .created: "TenantCreated"
        case .renamed: "TenantRenamed"
        case .deactivated: "TenantDeactivated"
        }
    }

    /// The schema version of this event's data.
    public var schemaVersion: Int { Self.eventTypes[eventType] ?? 1 }

    /// The deterministic JSON payload.
    public func encodedData() throws -> Data {
        switch self {
        case .created(let payload): try EventCoding.encode(payload)
        case .renamed(let payload): try EventCoding.encode(payload)
        case .deactivated(let payload): try EventCoding.encode(payload)
        }
    }

    /// Decodes a stored payload.
    public static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> TenantEvent {
        guard let current = eventTypes[eventType] else { throw EventDecodingError.unknownEventType(eventType) }
        func payload<T: Decodable>(_ type: T.Type) throws -> T {
            try EventCoding.decode(type, eventType: eventType, schemaVersion: schemaVersion, current: current, upcasters: upcasters, data: data)
        }
        switch eventType {
        case "TenantCreated": return .created(try payload(Created.self))
        case "TenantRenamed": return .renamed(try payload(Renamed.self))
        case "TenantDeactivated": return .deactivated(try payload(Deactivated.self))
        default: throw EventDecodingError.unknownEventType(eventType)
        }
    }
}
