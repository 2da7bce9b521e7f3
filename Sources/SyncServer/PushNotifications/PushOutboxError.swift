/// An operator-facing error of the push outbox, such as a database that was never migrated.
public struct PushOutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A message a person understands.
    public let message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
