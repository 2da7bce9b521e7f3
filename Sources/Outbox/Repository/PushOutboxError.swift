/// An error of the push outbox (the `push_deliveries` and `push_channels` tables), with a stable
/// ``Code`` to branch on, such as a database that was never migrated.
public struct PushOutboxError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code. Only this module makes codes; new ones may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, for example `not_migrated`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// The push tables do not exist yet: the migrations have not been applied to this database.
        public static let notMigrated = Code("not_migrated")
    }

    /// The stable error code.
    public let code: Code
    /// A message a person understands (an operator, for this module's errors).
    public let message: String
    /// The original error, for logs only.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
