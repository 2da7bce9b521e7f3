import Foundation

/// Timestamps of read rows as ISO-8601 text with milliseconds, in UTC.
///
/// Rows carry timestamps as text so that a value read back from PostgreSQL (`to_jsonb`) and
/// written again needs no parsing; PostgreSQL reads either form into `timestamptz`. The formatter
/// is hand-written (days-to-civil arithmetic) because rebuilds format millions of timestamps and
/// the general-purpose date formatters cost microseconds each.
public enum ReadDate {
    /// `date` as `2026-11-23T17:40:16.123Z`, rounded to the nearest millisecond (events carry milliseconds).
    public static func text(_ date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, millisOfDay) = totalMilliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (dayNumber, millis) = millisOfDay < 0 ? (days - 1, millisOfDay + 86_400_000) : (days, millisOfDay)
        let (year, month, day) = civil(fromDays: dayNumber)
        let hour = millis / 3_600_000
        let minute = millis / 60_000 % 60
        let second = millis / 1000 % 60
        let milli = millis % 1000
        var text = ""
        text.reserveCapacity(24)
        append(year, width: 4, to: &text)
        text.append("-")
        append(month, width: 2, to: &text)
        text.append("-")
        append(day, width: 2, to: &text)
        text.append("T")
        append(hour, width: 2, to: &text)
        text.append(":")
        append(minute, width: 2, to: &text)
        text.append(":")
        append(second, width: 2, to: &text)
        text.append(".")
        append(milli, width: 3, to: &text)
        text.append("Z")
        return text
    }

    /// `date` as text, or `nil`.
    public static func text(_ date: Date?) -> String? {
        date.map { text($0) }
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func append(_ value: Int64, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text.append(String(repeating: "0", count: width - digits.count)) }
        text.append(digits)
    }
}
