import Foundation

/// Identifies one notification. Encoded as a lowercase UUID string.
public struct NotificationID: Identifier {
    /// The wrapped UUID.
    public let rawValue: UUID

    /// Wraps a UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }
}
