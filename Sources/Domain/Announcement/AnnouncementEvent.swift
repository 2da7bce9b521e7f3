import Foundation

/// Events of the ``Announcement`` aggregate.
public enum AnnouncementEvent: DomainEvent {
    /// `AnnouncementDrafted` v1.
    case drafted(Drafted)
    /// `AnnouncementEdited` v1.
    case edited(Edited)
    /// `AnnouncementPublished` v1.
    case published(StatusChanged)
    /// `AnnouncementUnpublished` v1.
    case unpublished(StatusChanged)
    /// `AnnouncementArchived` v1.
    case archived(StatusChanged)
    /// `AnnouncementRead` v1.
    case read(Read)

    /// Payload of `AnnouncementDrafted`.
    public struct Drafted: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The announcement.
        public var announcementID: AnnouncementID
        /// Who drafted it, absent when the system did.
        public var authorID: UserID?
        /// Title.
        public var title: String
        /// Body.
        public var body: String
        /// When it was drafted.
        public var at: Date
    }

    /// Payload of `AnnouncementEdited`: only changed fields are present.
    public struct Edited: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The announcement.
        public var announcementID: AnnouncementID
        /// The new title, if it changed.
        public var title: String?
        /// The new body, if it changed.
        public var body: String?
        /// Who edited it.
        public var actorID: UserID?
        /// When it was edited.
        public var at: Date
    }

    /// Payload of `AnnouncementPublished`, `AnnouncementUnpublished` and `AnnouncementArchived`.
    public struct StatusChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The announcement.
        public var announcementID: AnnouncementID
        /// Who did it.
        public var actorID: UserID?
        /// When it happened.
        public var at: Date
    }

    /// Payload of `AnnouncementRead`.
    public struct Read: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The announcement.
        public var announcementID: AnnouncementID
        /// The member who read it.
        public var readerID: UserID
        /// When it was read.
        public var at: Date
    }

    /// All wire names with their current schema versions.
    public static let eventTypes: [String: Int] = [
        "AnnouncementDrafted": 1, "AnnouncementEdited": 1, "AnnouncementPublished": 1,
        "AnnouncementUnpublished": 1, "AnnouncementArchived": 1, "AnnouncementRead": 1,
    ]

    /// The wire name of this event.
    public var eventType: String {
        switch self {
        case .drafted: "AnnouncementDrafted"
        case .edited: "AnnouncementEdited"
        case .published: "AnnouncementPublished"
        case .unpublished: "AnnouncementUnpublished"
        case .archived: "AnnouncementArchived"
        case .read: "AnnouncementRead"
        }
    }

    /// The schema version of this event's data.
    public var schemaVersion: Int { Self.eventTypes[eventType] ?? 1 }

    /// The deterministic JSON payload.
    public func encodedData() throws -> Data {
        switch self {
        case .drafted(let payload): try EventCoding.encode(payload)
        case .edited(let payload): try EventCoding.encode(payload)
        case .published(let payload), .unpublished(let payload), .archived(let payload): try EventCoding.encode(payload)
        case .read(let payload): try EventCoding.encode(payload)
        }
    }

    /// Decodes a stored payload.
    public static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> AnnouncementEvent {
        guard let current = eventTypes[eventType] else { throw EventDecodingError.unknownEventType(eventType) }
        func payload<T: Decodable>(_ type: T.Type) throws -> T {
            try EventCoding.decode(type, eventType: eventType, schemaVersion: schemaVersion, current: current, upcasters: upcasters, data: data)
        }
        switch eventType {
        case "AnnouncementDrafted": return .drafted(try payload(Drafted.self))
        case "AnnouncementEdited": return .edited(try payload(Edited.self))
        case "AnnouncementPublished": return .published(try payload(StatusChanged.self))
        case "AnnouncementUnpublished": return .unpublished(try payload(StatusChanged.self))
        case "AnnouncementArchived": return .archived(try payload(StatusChanged.self))
        case "AnnouncementRead": return .read(try payload(Read.self))
        default: throw EventDecodingError.unknownEventType(eventType)
        }
    }
}
