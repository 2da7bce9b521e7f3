import Foundation

/// Events of the ``Notification`` aggregate.
public enum NotificationEvent: DomainEvent {
    /// `NotificationSent` v1.
    case sent(Sent)
    /// `NotificationRead` v1.
    case read(Read)
    /// `NotificationArchived` v1.
    case archived(Archived)

    /// Payload of `NotificationSent`.
    public struct Sent: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The notification.
        public var notificationID: NotificationID
        /// The sending user, absent when the system sent it.
        public var senderID: UserID?
        /// Receivers, deduplicated and sorted.
        public var receiverIDs: [UserID]
        /// Machine-readable kind.
        public var type: String
        /// Title.
        public var title: String
        /// Content.
        public var content: String
        /// When it was sent.
        public var at: Date
    }

    /// Payload of `NotificationRead`.
    public struct Read: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The notification.
        public var notificationID: NotificationID
        /// The receiver who read it.
        public var receiverID: UserID
        /// When it was read.
        public var at: Date
    }

    /// Payload of `NotificationArchived`.
    public struct Archived: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The notification.
        public var notificationID: NotificationID
        /// Who archived it.
        public var actorID: UserID?
        /// When it was archived.
        public var at: Date
    }

    /// All wire names with their current schema versions.
    public static let eventTypes: [String: Int] = ["NotificationSent": 1, "NotificationRead": 1, "NotificationArchived": 1]

    /// The wire name of this event.
    public var eventType: String {
        switch self {
        case .sent: "NotificationSent"
        case .read: "NotificationRead"
        case .archived: "NotificationArchived"
        }
    }

    /// The schema version of this event's data.
    public var schemaVersion: Int { Self.eventTypes[eventType] ?? 1 }

    /// The deterministic JSON payload.
    public func encodedData() throws -> Data {
        switch self {
        case .sent(let payload): try EventCoding.encode(payload)
        case .read(let payload): try EventCoding.encode(payload)
        case .archived(let payload): try EventCoding.encode(payload)
        }
    }

    /// Decodes a stored payload.
    public static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> NotificationEvent {
        guard let current = eventTypes[eventType] else { throw EventDecodingError.unknownEventType(eventType) }
        func payload<T: Decodable>(_ type: T.Type) throws -> T {
            try EventCoding.decode(type, eventType: eventType, schemaVersion: schemaVersion, current: current, upcasters: upcasters, data: data)
        }
        switch eventType {
        case "NotificationSent": return .sent(try payload(Sent.self))
        case "NotificationRead": return .read(try payload(Read.self))
        case "NotificationArchived": return .archived(try payload(Archived.self))
        default: throw EventDecodingError.unknownEventType(eventType)
        }
    }
}
