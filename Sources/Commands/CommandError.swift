import Domain
import EventStore

/// A command that was refused or could not be carried out, with a stable code.
///
/// Domain refusals keep the domain's code (`forbidden`, `not_found`, `invalid`, `deleted`,
/// `illegal_transition`, `already_exists`, `conflict`); the service adds `unavailable` (the database
/// failed; retrying later is safe) and `contention` (the stream kept changing under the command).
public struct CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable code.
    public let code: String
    /// A message a person understands.
    public let message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// A domain refusal.
    package init(_ error: DomainError) {
        self.init(code: error.code.rawValue, message: error.message)
    }

    /// A store failure, without database text.
    package init(_ error: EventStoreError) {
        switch error.code {
        case .database, .concurrencyConflict:
            self.init(code: "unavailable", message: "the command could not be stored right now; retry it")
        default:
            self.init(code: "invalid", message: error.message)
        }
    }

    /// The idempotency key was used before for a different stream.
    package static func keyReused(_ key: String) -> CommandError {
        CommandError(code: "conflict", message: "idempotency key '\(key.prefix(80))' was already used for a different command")
    }
}
