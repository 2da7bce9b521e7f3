import Foundation

/// Identifies one order. Encoded as a lowercase UUID string.
public struct OrderID: Identifier {
    /// The wrapped UUID.
    public let rawValue: UUID

    /// Wraps a UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }
}
