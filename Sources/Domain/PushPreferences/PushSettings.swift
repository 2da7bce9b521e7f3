import Foundation

/// What a user chose about pushes.
public struct PushSettings: Sendable, Hashable, Codable {
    /// Kinds of message that must not be pushed: a notification type (e.g. `comment`),
    /// `announcement`, or `order`. Kinds are lowercase slugs.
    public var muted: Set<String>
    /// Quiet hours, in ``timeZone``; pushes that fall inside them wait until they end.
    public var quietHours: QuietHours?
    /// The IANA time zone of the quiet hours; `nil` uses the profile's time zone, then UTC.
    public var timeZone: String?

    /// Creates settings.
    public init(muted: Set<String> = [], quietHours: QuietHours? = nil, timeZone: String? = nil) {
        self.muted = muted
        self.quietHours = quietHours
        self.timeZone = timeZone
    }

    /// Sorted keys and a sorted `muted` list, so equal settings encode to equal JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(muted.sorted(), forKey: .muted)
        try container.encodeIfPresent(quietHours, forKey: .quietHours)
        try container.encodeIfPresent(timeZone, forKey: .timeZone)
    }

    enum CodingKeys: String, CodingKey {
        case muted, quietHours, timeZone
    }
}

/// A daily window, in minutes after local midnight; it may wrap past midnight (22:00-07:00).
public struct QuietHours: Sendable, Hashable, Codable {
    /// First quiet minute of the day (0-1439).
    public var startMinute: Int
    /// First minute after the quiet hours (0-1439).
    public var endMinute: Int

    /// Creates a window.
    public init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// When the quiet hours that contain `date` end, in `timeZone`; `nil` when `date` is outside them.
    public func end(containing date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let wraps = startMinute > endMinute
        let inside = wraps ? (minute >= startMinute || minute < endMinute) : (minute >= startMinute && minute < endMinute)
        guard inside else { return nil }
        let startOfDay = calendar.startOfDay(for: date)
        // The end is today, or tomorrow when the window wraps and we are before midnight.
        let dayOffset = wraps && minute >= startMinute ? 1 : 0
        guard let day = calendar.date(byAdding: .day, value: dayOffset, to: startOfDay) else { return nil }
        return calendar.date(bySettingHour: endMinute / 60, minute: endMinute % 60, second: 0, of: day)
    }
}
