import Foundation

/// Identifies one tenant. Encoded as a lowercase UUID string.
public struct TenantID: Identifier {
    /// The wrapped UUID.
    public let rawValue: UUID

    /// Wraps a UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }
}
