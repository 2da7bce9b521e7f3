import Foundation

/// Events of the ``User`` aggregate. Passwords appear only as bcrypt hashes.
public enum UserEvent: DomainEvent {
    /// `UserRegistered` v1.
    case registered(Registered)
    /// `UserProfileUpdated` v1.
    case profileUpdated(ProfileUpdated)
    /// `UserPasswordChanged` v1.
    case passwordChanged(PasswordChanged)
    /// `UserRoleGranted` v1.
    case roleGranted(RoleChanged)
    /// `UserRoleRevoked` v1.
    case roleRevoked(RoleChanged)
    /// `UserLocked` v1.
    case locked(StatusChanged)
    /// `UserUnlocked` v1.
    case unlocked(StatusChanged)
    /// `UserDeactivated` v1.
    case deactivated(StatusChanged)
    /// `UserDeleted` v1.
    case deleted(StatusChanged)
    /// `UserErased` v1: the user's personal data was erased (their data key destroyed).
    case erased(Erased)

    /// All wire names with their current schema versions.
    public static let eventTypes: [String: Int] = [
        "UserRegistered": 1, "UserProfileUpdated": 1, "UserPasswordChanged": 1, "UserRoleGranted": 1,
        "UserRoleRevoked": 1, "UserLocked": 1, "UserUnlocked": 1, "UserDeactivated": 1, "UserDeleted": 1,
        "UserErased": 1,
    ]

    /// The personal fields of each event type, all of the user named by the payload's `userID`:
    /// stored encrypted with that user's data key (see docs/operations.md, "Personal data and erasure").
    public static let personalFields: [String: PersonalFieldRule] = [
        "UserRegistered": PersonalFieldRule(["username", "email", "phone"]),
        "UserProfileUpdated": PersonalFieldRule(["nickname", "avatarURL", "email", "phone"]),
    ]

    /// The wire name of this event.
    public var eventType: String {
        switch self {
        case .registered: "UserRegistered"
        case .profileUpdated: "UserProfileUpdated"
        case .passwordChanged: "UserPasswordChanged"
        case .roleGranted: "UserRoleGranted"
        case .roleRevoked: "UserRoleRevoked"
        case .locked: "UserLocked"
        case .unlocked: "UserUnlocked"
        case .deactivated: "UserDeactivated"
        case .deleted: "UserDeleted"
        case .erased: "UserErased"
        }
    }

    /// The schema version of this event's data.
    public var schemaVersion: Int { Self.eventTypes[eventType] ?? 1 }

    /// The deterministic JSON payload.
    public func encodedData() throws -> Data {
        switch self {
        case .registered(let payload): try EventCoding.encode(payload)
        case .profileUpdated(let payload): try EventCoding.encode(payload)
        case .passwordChanged(let payload): try EventCoding.encode(payload)
        case .roleGranted(let payload), .roleRevoked(let payload): try EventCoding.encode(payload)
        case .locked(let payload), .unlocked(let payload), .deactivated(let payload), .deleted(let payload):
            try EventCoding.encode(payload)
        case .erased(let payload): try EventCoding.encode(payload)
        }
    }

    /// Decodes a stored payload.
    public static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> UserEvent {
        guard let current = eventTypes[eventType] else { throw EventDecodingError.unknownEventType(eventType) }
        func payload<T: Decodable>(_ type: T.Type) throws -> T {
            try EventCoding.decode(type, eventType: eventType, schemaVersion: schemaVersion, current: current, upcasters: upcasters, data: data)
        }
        switch eventType {
        case "UserRegistered": return .registered(try payload(Registered.self))
        case "UserProfileUpdated": return .profileUpdated(try payload(ProfileUpdated.self))
        case "UserPasswordChanged": return .passwordChanged(try payload(PasswordChanged.self))
        case "UserRoleGranted": return .roleGranted(try payload(RoleChanged.self))
        case "UserRoleRevoked": return .roleRevoked(try payload(RoleChanged.self))
        case "UserLocked": return .locked(try payload(StatusChanged.self))
        case "UserUnlocked": return .unlocked(try payload(StatusChanged.self))
        case "UserDeactivated": return .deactivated(try payload(StatusChanged.self))
        case "UserDeleted": return .deleted(try payload(StatusChanged.self))
        case "UserErased": return .erased(try payload(Erased.self))
        default: throw EventDecodingError.unknownEventType(eventType)
        }
    }
}
