/// An error thrown by ``PasswordHashing`` for an invalid cost, salt, hash string or password.
///
/// Match on ``code``, which is stable; ``message`` is for people and may change.
public struct BcryptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable, machine-readable kind of a ``BcryptError``.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The hash string is not a `$2a$`, `$2b$` or `$2y$` bcrypt hash of 60 characters,
        /// or its hash part is not bcrypt base64.
        case invalidHash = "invalid_hash"
        /// The cost is outside ``PasswordHashing/costRange`` or is not two decimal digits.
        case invalidCost = "invalid_cost"
        /// The salt in a hash string is not bcrypt base64.
        case invalidSalt = "invalid_salt"
        /// The password contains U+0000, which the C implementation would read as its end.
        case invalidPassword = "invalid_password"
    }

    /// The stable kind of the error.
    public let code: Code
    /// A human-readable explanation.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable kind of the error.
    ///   - message: A human-readable explanation.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, as `invalid_cost: ...`.
    public var description: String { "\(code.rawValue): \(message)" }
}
