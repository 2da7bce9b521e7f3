import Foundation

/// ISO-8601 timestamps in UTC with milliseconds, the format of the replica's local times.
enum Timestamp {
    /// `2025-01-02T03:04:05.678Z`.
    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
