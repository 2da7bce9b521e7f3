/// Why a read-model projection could not apply an event; the runner reports it with the event.
public struct ReadModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// The event changes a row that does not exist (its creation was never applied).
        case missingRow = "missing_row"
        /// The event's payload could not be decoded.
        case undecodable
    }

    /// What went wrong.
    public let kind: Kind
    /// The wire name of the event that failed.
    public let eventType: String
    /// The event's global position.
    public let position: Int64
    /// A sentence naming the table and row or the decoding problem.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, eventType: String, position: Int64, message: String) {
        self.kind = kind
        self.eventType = eventType
        self.position = position
        self.message = message
    }

    /// `"<eventType> at position <n>: <message>"`.
    public var description: String {
        "\(eventType) at position \(position): \(message)"
    }
}
