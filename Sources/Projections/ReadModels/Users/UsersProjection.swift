import Domain
import EventStore
import Foundation

/// The `users` and `user_roles` tables. Password hashes are never projected.
public struct UsersProjection: Projection {
    /// `"users"`.
    public let name = "users"
    /// Version 1.
    public let version = 1
    /// Every ``UserEvent`` type.
    public var eventTypes: [String]? { UserEvent.eventTypes.keys.sorted() }
    /// `users` and `user_roles`.
    public var tables: [ReadTable] { [UserRow.table, UserRoleRow.table] }
    /// Both tables and their indexes.
    public var schema: [String] { UserRow.schema + UserRoleRow.schema }
    /// The change-feed triggers of the synced tables.
    public var liveStatements: [String] {
        [
            ChangeFeed.trigger(on: UserRow.table, entity: "profile", user: "user_id", key: ["user_id"]),
            ChangeFeed.trigger(on: UserRoleRow.table, entity: "profile", user: "user_id", key: ["user_id"]),
        ]
    }

    /// Creates the projection.
    public init() {}

    /// Applies a batch: loads the users and role rows it touches, folds the events, upserts once per table.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        let decoded = try DecodedEvent<UserEvent>.decodeAll(events)
        var users = RowCache<UserRow>()
        var roles = RowCache<UserRoleRow>()
        try await users.load(decoded.map { UserRow.key(Self.userID(of: $0.event)) }, in: context)
        try await roles.load(decoded.flatMap { Self.roleKeys(of: $0.event) }, in: context)
        for item in decoded {
            try Self.apply(item, users: &users, roles: &roles)
        }
        try await users.save(in: context)
        try await roles.save(in: context)
    }

    private static func apply(_ item: DecodedEvent<UserEvent>, users: inout RowCache<UserRow>, roles: inout RowCache<UserRoleRow>) throws {
        let position = item.position
        switch item.event {
        case .registered(let registered):
            let at = ReadDate.text(registered.at)
            let user = registered.userID.description
            let tenant = registered.tenantID.description
            users.put(
                UserRow(
                    userID: user, tenantID: tenant, username: registered.username, email: registered.email,
                    phone: registered.phone, status: UserState.Status.active.rawValue, deleted: false,
                    registeredAt: at, updatedAt: at, lastPosition: position))
            for role in registered.roles {
                roles.put(
                    UserRoleRow(
                        userID: user, role: role.rawValue, tenantID: tenant, active: true, grantedAt: at, lastPosition: position))
            }
        case .profileUpdated(let update):
            try users.update(UserRow.key(update.userID.description), for: item) { row in
                func apply(_ value: String?, _ field: inout String?) {
                    if let value { field = value.isEmpty ? nil : value }
                }
                apply(update.nickname, &row.nickname)
                apply(update.avatarURL, &row.avatarURL)
                apply(update.phone, &row.phone)
                apply(update.locale, &row.locale)
                apply(update.timeZone, &row.timeZone)
                if let email = update.email { row.email = email }
                row.touch(update.at, position)
            }
        case .passwordChanged(let changed):
            try users.update(UserRow.key(changed.userID.description), for: item) { row in
                row.passwordChangedAt = ReadDate.text(changed.at)
                row.touch(changed.at, position)
            }
        case .roleGranted(let changed):
            let user = try existing(users, changed.userID, item)
            let key = UserRoleRow.key(user.userID, changed.role.rawValue)
            var row =
                roles[key]
                ?? UserRoleRow(
                    userID: user.userID, role: changed.role.rawValue, tenantID: user.tenantID, active: true,
                    grantedAt: ReadDate.text(changed.at), lastPosition: position)
            row.active = true
            row.grantedAt = ReadDate.text(changed.at)
            row.grantedBy = changed.actorID?.description
            row.revokedAt = nil
            row.revokedBy = nil
            row.lastPosition = position
            roles.put(row)
        case .roleRevoked(let changed):
            _ = try existing(users, changed.userID, item)
            try roles.update(UserRoleRow.key(changed.userID.description, changed.role.rawValue), for: item) { row in
                row.active = false
                row.revokedAt = ReadDate.text(changed.at)
                row.revokedBy = changed.actorID?.description
                row.lastPosition = position
            }
        case .locked(let changed):
            try setStatus(.locked, reason: changed.reason, changed, item, &users)
        case .unlocked(let changed):
            try setStatus(.active, reason: nil, changed, item, &users)
        case .deactivated(let changed):
            try setStatus(.deactivated, reason: changed.reason, changed, item, &users)
        case .deleted(let changed):
            try users.update(UserRow.key(changed.userID.description), for: item) { row in
                row.deleted = true
                row.deletedAt = ReadDate.text(changed.at)
                row.touch(changed.at, position)
            }
        case .erased(let erased):
            // Every personal field reads as erased, live and after a rebuild (whose earlier
            // events already reveal the marker: the key is gone).
            try users.update(UserRow.key(erased.userID.description), for: item) { row in
                row.username = UserState.erasedValue
                row.email = UserState.erasedValue
                row.phone = nil
                row.nickname = nil
                row.avatarURL = nil
                row.touch(erased.at, position)
            }
        }
    }

    private static func setStatus(
        _ status: UserState.Status, reason: String?, _ changed: UserEvent.StatusChanged,
        _ item: DecodedEvent<UserEvent>, _ users: inout RowCache<UserRow>
    ) throws {
        try users.update(UserRow.key(changed.userID.description), for: item) { row in
            row.status = status.rawValue
            row.statusReason = reason
            row.touch(changed.at, item.position)
        }
    }

    private static func existing(_ users: RowCache<UserRow>, _ id: UserID, _ item: DecodedEvent<UserEvent>) throws -> UserRow {
        let key = UserRow.key(id.description)
        guard let user = users[key] else { throw item.missing(UserRow.table, key) }
        return user
    }

    private static func userID(of event: UserEvent) -> String {
        switch event {
        case .registered(let payload): payload.userID.description
        case .profileUpdated(let payload): payload.userID.description
        case .passwordChanged(let payload): payload.userID.description
        case .roleGranted(let payload), .roleRevoked(let payload): payload.userID.description
        case .locked(let payload), .unlocked(let payload), .deactivated(let payload), .deleted(let payload):
            payload.userID.description
        case .erased(let payload): payload.userID.description
        }
    }

    private static func roleKeys(of event: UserEvent) -> [ReadKey] {
        switch event {
        case .roleGranted(let payload), .roleRevoked(let payload):
            [UserRoleRow.key(payload.userID.description, payload.role.rawValue)]
        case .registered(let payload):
            payload.roles.map { UserRoleRow.key(payload.userID.description, $0.rawValue) }
        default:
            []
        }
    }
}

extension UserRow {
    /// Records a change at `at` by the event at `position`.
    mutating func touch(_ at: Date, _ position: Int64) {
        updatedAt = ReadDate.text(at)
        lastPosition = position
    }
}
