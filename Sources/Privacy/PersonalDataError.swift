/// Why personal data could not be sealed or revealed.
public struct PersonalDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable code. Only this module mints codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "erased".
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The wire name.
        public var description: String { rawValue }

        /// The user's data key was destroyed: no new personal data of that user can be stored.
        public static let erased = Code("erased")
        /// A stored envelope is malformed or does not authenticate with its key (tampered or moved).
        public static let undecryptable = Code("undecryptable")
        /// A payload could not be read or rewritten as a JSON object.
        public static let malformedPayload = Code("malformed_payload")
        /// The key table could not be read or written right now.
        public static let unavailable = Code("unavailable")
    }

    /// The stable code.
    public let code: Code
    /// A message a person understands; never database text.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: A message a person understands.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
