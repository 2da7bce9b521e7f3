/// The version a stream must be at for an append to succeed (optimistic concurrency).
///
/// Stream versions count events: a stream that does not exist is at version 0, and its first event
/// gets version 1.
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Append whatever the stream's version.
    case any
    /// The stream must not exist yet (version 0).
    case noStream
    /// The stream must be at exactly this version (0 means "does not exist").
    case exact(Int64)
    /// The stream must exist (version 1 or more).
    case streamExists

    /// A readable form used in error messages.
    public var description: String {
        switch self {
        case .any: return "any version"
        case .noStream: return "no stream"
        case .exact(let version): return "version \(version)"
        case .streamExists: return "an existing stream"
        }
    }

    /// Whether a stream at `actual` satisfies this expectation.
    public func isSatisfied(by actual: Int64) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return actual == 0
        case .exact(let version): return actual == version
        case .streamExists: return actual > 0
        }
    }

    /// The mode number bound into the append statement.
    var mode: Int32 {
        switch self {
        case .any: return 0
        case .noStream: return 1
        case .exact: return 2
        case .streamExists: return 3
        }
    }

    /// The version bound into the append statement for ``exact(_:)``.
    var exactVersion: Int64 {
        if case .exact(let version) = self { return version }
        return 0
    }
}
