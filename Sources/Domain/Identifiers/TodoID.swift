import Foundation

/// Identifies one todo. Encoded as a lowercase UUID string.
public struct TodoID: Identifier {
    /// The wrapped UUID.
    public let rawValue: UUID

    /// Wraps a UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }
}
