import Foundation

/// Events of the ``Device`` aggregate.
public enum DeviceEvent: DomainEvent {
    /// `DeviceRegistered` v1.
    case registered(Registered)
    /// `DeviceTokenUpdated` v1.
    case tokenUpdated(TokenUpdated)
    /// `DeviceUnregistered` v1.
    case unregistered(Unregistered)
    /// `DeviceTokenInvalidated` v1.
    case tokenInvalidated(TokenInvalidated)

    /// Payload of `DeviceRegistered`.
    public struct Registered: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The device.
        public var deviceID: DeviceID
        /// Its user.
        public var userID: UserID
        /// Registration details.
        public var registration: DeviceRegistration
        /// When it registered.
        public var at: Date
    }

    /// Payload of `DeviceTokenUpdated`.
    public struct TokenUpdated: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The device.
        public var deviceID: DeviceID
        /// The new token.
        public var pushToken: String
        /// When it changed.
        public var at: Date
    }

    /// Payload of `DeviceUnregistered`.
    public struct Unregistered: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The device.
        public var deviceID: DeviceID
        /// Who unregistered it.
        public var actorID: UserID?
        /// When.
        public var at: Date
    }

    /// Payload of `DeviceTokenInvalidated`.
    public struct TokenInvalidated: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The device.
        public var deviceID: DeviceID
        /// The rejected token.
        public var pushToken: String
        /// The provider's reason, e.g. `Unregistered` or `BadDeviceToken`.
        public var reason: String
        /// When the provider says the token became invalid.
        public var providerTimestamp: Date
        /// When the dispatcher recorded it.
        public var at: Date
    }

    /// All wire names with their current schema versions.
    public static let eventTypes: [String: Int] = [
        "DeviceRegistered": 1, "DeviceTokenUpdated": 1, "DeviceUnregistered": 1, "DeviceTokenInvalidated": 1,
    ]

    /// The wire name of this event.
    public var eventType: String {
        switch self {
        case .registered: "DeviceRegistered"
        case .tokenUpdated: "DeviceTokenUpdated"
        case .unregistered: "DeviceUnregistered"
        case .tokenInvalidated: "DeviceTokenInvalidated"
        }
    }

    /// The schema version of this event's data.
    public var schemaVersion: Int { Self.eventTypes[eventType] ?? 1 }

    /// The deterministic JSON payload.
    public func encodedData() throws -> Data {
        switch self {
        case .registered(let payload): try EventCoding.encode(payload)
        case .tokenUpdated(let payload): try EventCoding.encode(payload)
        case .unregistered(let payload): try EventCoding.encode(payload)
        case .tokenInvalidated(let payload): try EventCoding.encode(payload)
        }
    }

    /// Decodes a stored payload.
    public static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> DeviceEvent {
        guard let current = eventTypes[eventType] else { throw EventDecodingError.unknownEventType(eventType) }
        func payload<T: Decodable>(_ type: T.Type) throws -> T {
            try EventCoding.decode(type, eventType: eventType, schemaVersion: schemaVersion, current: current, upcasters: upcasters, data: data)
        }
        switch eventType {
        case "DeviceRegistered": return .registered(try payload(Registered.self))
        case "DeviceTokenUpdated": return .tokenUpdated(try payload(TokenUpdated.self))
        case "DeviceUnregistered": return .unregistered(try payload(Unregistered.self))
        case "DeviceTokenInvalidated": return .tokenInvalidated(try payload(TokenInvalidated.self))
        default: throw EventDecodingError.unknownEventType(eventType)
        }
    }
}
