/// A refusal: a stable machine-readable code and a message a person understands.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable refusal code. Raw values are the wire names.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "not_found".
        public let rawValue: String

        /// Wraps a wire name.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The wire name.
        public var description: String { rawValue }

        /// The principal may not do this (wrong role, not the owner, another tenant, anonymous).
        public static let forbidden = Code(rawValue: "forbidden")
        /// The target does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// The command contradicts the current state.
        public static let conflict = Code(rawValue: "conflict")
        /// The command's input is malformed or out of range.
        public static let invalid = Code(rawValue: "invalid")
        /// The target is (soft-)deleted.
        public static let deleted = Code(rawValue: "deleted")
        /// The requested state transition is not allowed from the current state.
        public static let illegalTransition = Code(rawValue: "illegal_transition")
        /// The target was already created.
        public static let alreadyExists = Code(rawValue: "already_exists")
        /// The change would leave a tenant without an active administrator.
        public static let lastAdmin = Code(rawValue: "last_admin")
    }

    /// The refusal code.
    public let code: Code
    /// A human-readable explanation.
    public let message: String

    /// Creates a refusal.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// A `forbidden` refusal.
    public static func forbidden(_ message: String) -> DomainError { DomainError(.forbidden, message) }
    /// A `not_found` refusal.
    public static func notFound(_ message: String) -> DomainError { DomainError(.notFound, message) }
    /// A `conflict` refusal.
    public static func conflict(_ message: String) -> DomainError { DomainError(.conflict, message) }
    /// An `invalid` refusal.
    public static func invalid(_ message: String) -> DomainError { DomainError(.invalid, message) }
    /// A `deleted` refusal.
    public static func deleted(_ message: String) -> DomainError { DomainError(.deleted, message) }
    /// An `illegal_transition` refusal.
    public static func illegalTransition(_ message: String) -> DomainError { DomainError(.illegalTransition, message) }
    /// An `already_exists` refusal.
    public static func alreadyExists(_ message: String) -> DomainError { DomainError(.alreadyExists, message) }
}
