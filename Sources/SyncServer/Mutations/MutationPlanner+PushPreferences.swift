import Commands
import Domain
import SyncProtocol

extension MutationPlanner {
    /// The builder of the push-preferences mutation.
    static let pushPreferencesBuilders: [MutationName: Builder] = [
        .pushPreferencesSet: { _, input throws(CommandError) in
            let user = try input.user()
            let a = input.arguments
            let start = try a.optionalString("quiet_start")
            let end = try a.optionalString("quiet_end")
            var quiet: QuietHours?
            switch (start, end) {
            case (.none, .none): quiet = nil
            case (.some(let start), .some(let end)): quiet = QuietHours(startMinute: try minute(start, "quiet_start"), endMinute: try minute(end, "quiet_end"))
            default: throw CommandError(.invalid, "\(input.name.rawValue) needs both 'quiet_start' and 'quiet_end' (HH:MM), or neither")
            }
            let settings = PushSettings(muted: Set(try a.strings("muted") ?? []), quietHours: quiet, timeZone: try a.optionalString("time_zone"))
            return .command(PushPreferences.self, id: user, command: .set(user, tenantID: input.tenant, settings))
        }
    ]

    /// Minutes after midnight of `HH:MM`.
    static func minute(_ text: String, _ key: String) throws(CommandError) -> Int {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { throw CommandError(.invalid, "'\(key)' must be a time of day as HH:MM, such as 22:00") }
        return hour * 60 + minute
    }
}
