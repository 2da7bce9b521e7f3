/// Why a read-model projection could not apply an event; the runner reports it with the event.
public struct ReadModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable code. Only this module mints codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "missing_row".
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The wire name.
        public var description: String { rawValue }

        /// The event changes a row that does not exist (its creation was never applied).
        public static let missingRow = Code("missing_row")
        /// The event's payload could not be decoded.
        public static let undecodable = Code("undecodable")
    }

    /// What went wrong.
    public let code: Code
    /// The wire name of the event that failed.
    public let eventType: String
    /// The event's global position.
    public let position: Int64
    /// A sentence naming the table and row or the decoding problem.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - eventType: The wire name of the event that failed.
    ///   - position: The event's global position.
    ///   - message: A sentence naming the table and row or the decoding problem.
    package init(_ code: Code, eventType: String, position: Int64, message: String) {
        self.code = code
        self.eventType = eventType
        self.position = position
        self.message = message
    }

    /// `"<eventType> at position <n>: <message>"`.
    public var description: String {
        "\(eventType) at position \(position): \(message)"
    }
}
