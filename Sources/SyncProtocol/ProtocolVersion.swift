/// The version of the sync wire protocol spoken by this build.
///
/// A client whose protocol version the server no longer supports is told `upgrade_required`.
public struct ProtocolVersion: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The integer version number.
    public let rawValue: Int

    /// Creates a protocol version.
    /// - Parameter rawValue: The integer version number.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// The protocol version this build speaks.
    public static let current = ProtocolVersion(1)

    /// Orders versions by number.
    public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The version as a decimal string.
    public var description: String { String(rawValue) }
}
