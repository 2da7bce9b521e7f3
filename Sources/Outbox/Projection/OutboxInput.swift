import Domain
import EventStore
import Projections

/// One event the outbox reads, decoded into its aggregate's event type.
enum OutboxInput: Sendable {
    case device(DeviceEvent)
    case user(UserEvent)
    case preferences(PushPreferencesEvent)
    case notification(NotificationEvent)
    case announcement(AnnouncementEvent)
    case order(OrderEvent)

    /// The user events that matter to the audience.
    static let userTypes = ["UserRegistered", "UserProfileUpdated", "UserLocked", "UserUnlocked", "UserDeactivated", "UserDeleted"]
    /// The announcement events that matter: the wording, and publication.
    static let announcementTypes = ["AnnouncementDrafted", "AnnouncementEdited", "AnnouncementPublished"]

    /// Every event type the outbox reads.
    static var eventTypes: [String] {
        (Array(DeviceEvent.eventTypes.keys) + userTypes + Array(PushPreferencesEvent.eventTypes.keys) + ["NotificationSent"]
            + announcementTypes + Array(OrderEvent.eventTypes.keys)).sorted()
    }

    /// Decodes `recorded`, or `nil` for a type the outbox ignores.
    static func decode(_ recorded: RecordedEvent) throws -> OutboxInput? {
        func decode<Event: DomainEvent>(_ type: Event.Type) throws -> Event {
            do {
                return try Event.decode(eventType: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data)
            } catch {
                throw ReadModelError(
                    .undecodable, eventType: recorded.type, position: recorded.position,
                    message: "cannot decode schema version \(recorded.schemaVersion) of stream \(recorded.stream): \(error)")
            }
        }
        let type = recorded.type
        if DeviceEvent.eventTypes[type] != nil { return .device(try decode(DeviceEvent.self)) }
        if userTypes.contains(type) { return .user(try decode(UserEvent.self)) }
        if PushPreferencesEvent.eventTypes[type] != nil { return .preferences(try decode(PushPreferencesEvent.self)) }
        if type == "NotificationSent" { return .notification(try decode(NotificationEvent.self)) }
        if announcementTypes.contains(type) { return .announcement(try decode(AnnouncementEvent.self)) }
        if OrderEvent.eventTypes[type] != nil { return .order(try decode(OrderEvent.self)) }
        return nil
    }
}
