import Foundation

/// Identifies one todo reminder. Encoded as a lowercase UUID string.
public struct ReminderID: Identifier {
    /// The wrapped UUID.
    public let rawValue: UUID

    /// Wraps a UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }
}
