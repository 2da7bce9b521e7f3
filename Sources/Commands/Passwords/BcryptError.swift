/// An error thrown by ``PasswordHashing`` for an invalid cost, salt, hash string or password.
///
/// Match on ``code``, which is stable; ``message`` is for people and may change.
public struct BcryptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable, machine-readable kind of a ``BcryptError``. Only this module mints codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "invalid_hash".
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The wire name.
        public var description: String { rawValue }

        /// The hash string is not a `$2a$`, `$2b$` or `$2y$` bcrypt hash of 60 characters,
        /// or its hash part is not bcrypt base64.
        public static let invalidHash = Code("invalid_hash")
        /// The cost is outside ``PasswordHashing/costRange`` or is not two decimal digits.
        public static let invalidCost = Code("invalid_cost")
        /// The salt in a hash string is not bcrypt base64.
        public static let invalidSalt = Code("invalid_salt")
        /// The password contains U+0000, which the C implementation would read as its end.
        public static let invalidPassword = Code("invalid_password")
    }

    /// The stable kind of the error.
    public let code: Code
    /// A human-readable explanation.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable kind of the error.
    ///   - message: A human-readable explanation.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, as `invalid_cost: ...`.
    public var description: String { "\(code.rawValue): \(message)" }
}
