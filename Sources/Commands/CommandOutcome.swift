/// What a command did.
public struct CommandOutcome: Sendable, Hashable, Codable {
    /// The stream the command wrote to.
    public var stream: String
    /// The wire names of the events it appended, in order (empty when its effect already held).
    public var eventTypes: [String]
    /// The global positions of those events.
    public var positions: [Int64]
    /// The stream version after the command.
    public var streamVersion: Int64
    /// `true` when this is the stored answer to an earlier command with the same idempotency key.
    public var replayed: Bool

    /// Creates an outcome.
    public init(stream: String, eventTypes: [String], positions: [Int64], streamVersion: Int64, replayed: Bool) {
        self.stream = stream
        self.eventTypes = eventTypes
        self.positions = positions
        self.streamVersion = streamVersion
        self.replayed = replayed
    }
}
