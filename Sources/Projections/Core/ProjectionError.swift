/// A failure of the projection machinery, with a stable code for scripts and the CLI.
public struct ProjectionError: Error, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public enum Code: String, Sendable {
        /// No projection has that name.
        case unknownProjection = "unknown_projection"
        /// The request does not fit the projection's state (for example `skip` when nothing failed).
        case invalidState = "invalid_state"
        /// Another process is already doing this work (for example a rebuild of the same projection).
        case busy
        /// The database's projection is newer than this code.
        case newerVersion = "newer_version"
        /// A database failure.
        case database
    }

    /// The stable code.
    public var code: Code
    /// A message for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// Wraps a database error.
    static func database(_ error: any Error, while doing: String) -> ProjectionError {
        ProjectionError(.database, "\(doing) failed: \(String(reflecting: error))")
    }
}
