/// A refusal: a stable machine-readable code and a message a person understands.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable refusal code. Only the domain mints codes; each has a command code of the same
    /// wire name (the command service's table maps them).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "not_found".
        public let rawValue: String

        private init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        /// The wire name.
        public var description: String { rawValue }

        /// The principal may not do this (wrong role, not the owner, another tenant, anonymous).
        public static let forbidden = Code("forbidden")
        /// The target does not exist.
        public static let notFound = Code("not_found")
        /// The command contradicts the current state.
        public static let conflict = Code("conflict")
        /// The command's input is malformed or out of range.
        public static let invalid = Code("invalid")
        /// The target is (soft-)deleted.
        public static let deleted = Code("deleted")
        /// The requested state transition is not allowed from the current state.
        public static let illegalTransition = Code("illegal_transition")
        /// The target was already created.
        public static let alreadyExists = Code("already_exists")
        /// The change would leave a tenant without an active administrator.
        public static let lastAdmin = Code("last_admin")

        /// Every code, so that a table keyed by codes can be checked for completeness.
        public static let all: [Code] = [.forbidden, .notFound, .conflict, .invalid, .deleted, .illegalTransition, .alreadyExists, .lastAdmin]
    }

    /// The refusal code.
    public let code: Code
    /// A human-readable explanation.
    public let message: String

    /// Creates a refusal.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// A `forbidden` refusal.
    static func forbidden(_ message: String) -> DomainError { DomainError(.forbidden, message) }
    /// A `not_found` refusal.
    static func notFound(_ message: String) -> DomainError { DomainError(.notFound, message) }
    /// A `conflict` refusal.
    static func conflict(_ message: String) -> DomainError { DomainError(.conflict, message) }
    /// An `invalid` refusal.
    static func invalid(_ message: String) -> DomainError { DomainError(.invalid, message) }
    /// A `deleted` refusal.
    static func deleted(_ message: String) -> DomainError { DomainError(.deleted, message) }
    /// An `illegal_transition` refusal.
    static func illegalTransition(_ message: String) -> DomainError { DomainError(.illegalTransition, message) }
    /// An `already_exists` refusal.
    static func alreadyExists(_ message: String) -> DomainError { DomainError(.alreadyExists, message) }
}
