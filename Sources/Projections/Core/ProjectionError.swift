import EventStore
import PostgresNIO

/// A failure of the projection machinery, with a stable code for scripts and the CLI.
public struct ProjectionError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code. Only this module mints codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "unknown_projection".
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The wire name.
        public var description: String { rawValue }

        /// No projection has that name.
        public static let unknownProjection = Code("unknown_projection")
        /// The request does not fit the projection's state (for example `skip` when nothing failed).
        public static let invalidState = Code("invalid_state")
        /// Another process is already doing this work (for example a rebuild of the same projection).
        public static let busy = Code("busy")
        /// The database's projection is newer than this code.
        public static let newerVersion = Code("newer_version")
        /// A table the projections need does not exist yet: the migrations have not been applied.
        public static let notMigrated = Code("not_migrated")
        /// The database failed or could not be reached.
        public static let database = Code("database")
    }

    /// The stable code.
    public let code: Code
    /// A message for people. Never contains database text (that is in ``underlying``).
    public let message: String
    /// The original error, for logs and the operator's CLI (use `String(reflecting:)`).
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: A message for people, without database text.
    ///   - underlying: The original error, kept for logs.
    package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// Wraps a database error: `not_migrated` when a table is missing, else `database`.
    static func database(_ error: any Error, while doing: String) -> ProjectionError {
        var cause = error
        if let transaction = error as? PostgresTransactionError,
            let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        {
            cause = inner
        }
        if let psql = cause as? PSQLError, psql.sqlState == .undefinedTable {
            return ProjectionError(.notMigrated, "\(doing) failed: a table does not exist yet; run `synccli migrate`", underlying: cause)
        }
        return ProjectionError(.database, "\(doing) failed: the database could not answer", underlying: cause)
    }
}
