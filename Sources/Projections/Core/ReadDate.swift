import Domain
import Foundation

/// Timestamps of read rows as ISO-8601 text with milliseconds, in UTC.
///
/// Rows carry timestamps as text so that a value read back from PostgreSQL (`to_jsonb`) and
/// written again needs no parsing; PostgreSQL reads either form into `timestamptz`. The text is the
/// domain's wire form (``WireDate``), hand-written because rebuilds format millions of timestamps
/// and the general-purpose date formatters cost microseconds each.
public enum ReadDate {
    /// `date` as `2026-11-23T17:40:16.123Z`, rounded to the nearest millisecond (events carry milliseconds).
    public static func text(_ date: Date) -> String {
        WireDate.string(from: date)
    }

    /// `date` as text, or `nil`.
    public static func text(_ date: Date?) -> String? {
        date.map { text($0) }
    }
}
