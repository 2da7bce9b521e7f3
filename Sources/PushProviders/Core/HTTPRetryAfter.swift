import Foundation

/// Reads an HTTP `Retry-After` header (RFC 9110 §10.2.3): either whole seconds or an HTTP-date.
/// Shared by the Web Push, FCM and webhook providers.
enum HTTPRetryAfter {
    /// The delay the header asks for, measured from `now`; `nil` when absent or unreadable.
    /// A date in the past gives zero.
    static func parse(_ value: String?, now: Date) -> Duration? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int(text) {
            return seconds >= 0 ? .seconds(seconds) : nil
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                let delta = max(0, date.timeIntervalSince(now).rounded(.up))
                return .seconds(Int(delta))
            }
        }
        return nil
    }
}
