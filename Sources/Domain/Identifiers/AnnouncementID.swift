import Foundation

/// Identifies one announcement. Encoded as a lowercase UUID string.
public struct AnnouncementID: Identifier {
    /// The wrapped UUID.
    public let rawValue: UUID

    /// Wraps a UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }
}
