import Foundation

/// A user's push notification preferences: which kinds of message may be pushed, and quiet hours.
///
/// One stream per user (`pushprefs-<user id>`). The user sets their own; an administrator of the
/// tenant may too. Preferences only decide pushes: the inbox still receives every notification.
public enum PushPreferences: Aggregate {
    /// Stream ids are user ids.
    public typealias ID = UserID
    /// `nil` until first set: every kind is pushed, no quiet hours.
    public typealias State = PushPreferencesState?

    /// `"pushprefs"`.
    public static let category = "pushprefs"
    /// Nothing set yet.
    public static let initialState: PushPreferencesState? = nil

    /// Decides a preferences command.
    public static func decide(
        _ command: PushPreferencesCommand, state: PushPreferencesState?, context: CommandContext
    ) throws(DomainError) -> [PushPreferencesEvent] {
        switch command {
        case .set(let userID, let tenantID, let settings):
            try Access.owner(context, tenantID, userID, orAdmin: true, to: "change push preferences")
            if let state, state.tenantID != tenantID { throw .conflict("these preferences belong to another tenant") }
            let settings = try validated(settings)
            if let state, state.settings == settings { return [] }
            return [.set(.init(tenantID: tenantID, userID: userID, settings: settings, at: context.timestamp))]
        }
    }

    /// Applies a preferences event.
    public static func evolve(_ state: PushPreferencesState?, _ event: PushPreferencesEvent) -> PushPreferencesState? {
        switch event {
        case .set(let set):
            PushPreferencesState(userID: set.userID, tenantID: set.tenantID, settings: set.settings)
        }
    }

    static func validated(_ settings: PushSettings) throws(DomainError) -> PushSettings {
        var result = settings
        if settings.muted.count > 50 { throw .invalid("at most 50 kinds can be muted") }
        result.muted = try Set(
            settings.muted.map { value throws(DomainError) in
                try Validate.slug(value, "muted kind", allowed: Validate.lowercaseLetters + Validate.digits + "_.-", 1...64)
            })
        result.timeZone = try settings.timeZone.flatMap { value throws(DomainError) in
            value.isEmpty ? nil : try Validate.timeZone(value)
        }
        if let quiet = settings.quietHours {
            guard (0..<1440).contains(quiet.startMinute), (0..<1440).contains(quiet.endMinute) else {
                throw .invalid("quiet hours are minutes of the day, 0-1439")
            }
            guard quiet.startMinute != quiet.endMinute else { throw .invalid("quiet hours must not start and end at the same minute") }
        }
        return result
    }
}
