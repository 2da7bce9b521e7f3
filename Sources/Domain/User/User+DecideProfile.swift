import Foundation

extension User {
    /// `updateProfile`: the user or an administrator, on a usable account; only the fields that
    /// change are recorded.
    static func updateProfile(_ update: ProfileUpdate, _ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.owner(context, user.tenantID, user.id, orAdmin: true, to: "change a profile")
        try usable(user)
        if user.isErased { throw .conflict("the personal data of user \(user.id) was erased; its profile cannot be set again") }
        return try profileEvents(user, update, now: context.timestamp).map { .profileUpdated($0) }
    }

    /// `changePassword`: the user or an administrator, on a usable account; the same hash records
    /// nothing.
    static func changePassword(_ hash: String, _ user: UserState, context: CommandContext) throws(DomainError) -> [UserEvent] {
        try Access.owner(context, user.tenantID, user.id, orAdmin: true, to: "change a password")
        try usable(user)
        try Validate.bcryptHash(hash)
        if hash == user.passwordHash { return [] }
        return [
            .passwordChanged(
                .init(
                    tenantID: user.tenantID, userID: user.id, passwordHash: hash, actorID: context.principal.userID, at: context.timestamp))
        ]
    }

    /// The `UserProfileUpdated` payload holding only the fields that change, or none.
    private static func profileEvents(
        _ user: UserState, _ update: ProfileUpdate, now: Date
    ) throws(DomainError) -> [UserEvent.ProfileUpdated] {
        if update.isEmpty { throw .invalid("the profile update changes no field") }
        var event = UserEvent.ProfileUpdated(tenantID: user.tenantID, userID: user.id, at: now)
        func change(
            _ value: String?, _ current: String?, _ check: (String) throws(DomainError) -> String
        ) throws(DomainError) -> String? {
            guard let value else { return nil }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return current == nil ? nil : "" }
            let checked = try check(trimmed)
            return checked == current ? nil : checked
        }
        event.nickname = try change(update.nickname, user.nickname) { value throws(DomainError) in
            try Validate.text(value, "nickname", 1...50)
        }
        event.avatarURL = try change(update.avatarURL, user.avatarURL) { value throws(DomainError) in
            try Validate.webURL(value, "avatarURL")
        }
        event.phone = try change(update.phone, user.phone, Validate.phone)
        event.locale = try change(update.locale, user.locale, Validate.locale)
        event.timeZone = try change(update.timeZone, user.timeZone, Validate.timeZone)
        if let email = update.email {
            let checked = try Validate.email(email)
            if checked != user.email { event.email = checked }
        }
        let changed = [event.nickname, event.avatarURL, event.email, event.phone, event.locale, event.timeZone]
        return changed.contains { $0 != nil } ? [event] : []
    }
}

extension UserEvent.ProfileUpdated {
    /// An update that changes nothing yet.
    init(tenantID: TenantID, userID: UserID, at: Date) {
        self.init(
            tenantID: tenantID, userID: userID, nickname: nil, avatarURL: nil, email: nil,
            phone: nil, locale: nil, timeZone: nil, at: at)
    }
}
