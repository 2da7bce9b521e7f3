import Foundation

/// Identifies one device. Encoded as a lowercase UUID string.
public struct DeviceID: Identifier {
    /// The wrapped UUID.
    public let rawValue: UUID

    /// Wraps a UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }
}
