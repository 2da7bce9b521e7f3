import Foundation

/// Timestamps of read rows as ISO-8601 text with milliseconds, in UTC.
///
/// Rows carry timestamps as text so that a value read back from PostgreSQL (`to_jsonb`) and
/// written again needs no parsing; PostgreSQL reads either form into `timestamptz`.
public enum ReadDate {
    /// `date` as `2026-11-23T17:40:16.123Z`.
    public static func text(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `date` as text, or `nil`.
    public static func text(_ date: Date?) -> String? {
        date.map { text($0) }
    }
}
