import Domain
import EventStore

/// A command that was refused or could not be carried out, with a stable ``Code``.
///
/// Domain refusals keep the domain's wire name (``CommandError/Code/init(_:)`` maps each
/// ``DomainError/Code``); the service adds `unavailable` (the database failed; retrying later is
/// safe) and `contention` (the stream kept changing under the command); the sync server adds
/// `limit_exceeded` and `resync_required`.
public struct CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable code, with the HTTP status it is answered with.
    ///
    /// Only this module mints codes, so a misspelt code cannot reach a client. The status is a
    /// plain number because this target knows no HTTP library; the server turns it into a
    /// response status.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "not_found".
        public let rawValue: String
        /// The HTTP status of an answer with this code, e.g. 404.
        public let status: Int

        private init(_ rawValue: String, status: Int) {
            self.rawValue = rawValue
            self.status = status
        }

        /// The wire name.
        public var description: String { rawValue }

        /// The command's input is malformed or out of range (400).
        public static let invalid = Code("invalid", status: 400)
        /// The principal may not send this command (403).
        public static let forbidden = Code("forbidden", status: 403)
        /// The target does not exist (404).
        public static let notFound = Code("not_found", status: 404)
        /// The command contradicts the current state, or an idempotency key was reused (409).
        public static let conflict = Code("conflict", status: 409)
        /// The target is (soft-)deleted (409).
        public static let deleted = Code("deleted", status: 409)
        /// The state transition is not allowed from the current state (409).
        public static let illegalTransition = Code("illegal_transition", status: 409)
        /// The target or a unique value (a username, a tenant code) is taken (409).
        public static let alreadyExists = Code("already_exists", status: 409)
        /// The change would leave a tenant without an active administrator (409).
        public static let lastAdmin = Code("last_admin", status: 409)
        /// A per-user limit is reached, such as the devices of one user (409).
        public static let limitExceeded = Code("limit_exceeded", status: 409)
        /// A pull cursor can no longer be served; pull a fresh snapshot (410).
        public static let resyncRequired = Code("resync_required", status: 410)
        /// The database failed or is not ready; nothing was stored and retrying later is safe (503).
        public static let unavailable = Code("unavailable", status: 503)
        /// The stream kept changing while the command ran; retrying is safe (503).
        public static let contention = Code("contention", status: 503)

        /// Whether trying the same command again later may succeed (`unavailable`, `contention`):
        /// such a failure says nothing about the command itself.
        public var isTransient: Bool { status == 503 }
    }

    /// The stable code.
    public let code: Code
    /// A message a person understands. Never contains database text.
    public let message: String
    /// The original error, for logs only (use `String(reflecting:)`); never shown to a client.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: A message a person understands, without database text.
    ///   - underlying: The original error, kept for logs.
    package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// Two errors are equal when their codes and messages are (the underlying error is for logs).
    public static func == (lhs: CommandError, rhs: CommandError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// A domain refusal, under the command code of the same wire name.
    package init(_ error: DomainError) {
        self.init(Code(error.code), error.message)
    }

    /// A store failure, without database text.
    package init(_ error: EventStoreError) {
        switch error.code {
        case .database, .concurrencyConflict, .notMigrated:
            self.init(.unavailable, "the command could not be stored right now; retry it", underlying: error)
        default:
            self.init(.invalid, error.message, underlying: error)
        }
    }

    /// The idempotency key was used before for a different stream.
    package static func keyReused(_ key: String) -> CommandError {
        CommandError(.conflict, "idempotency key '\(key.prefix(80))' was already used for a different command")
    }
}
