import Foundation

/// Identifies one user. Encoded as a lowercase UUID string.
public struct UserID: Identifier {
    /// The wrapped UUID.
    public let rawValue: UUID

    /// Wraps a UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }
}
