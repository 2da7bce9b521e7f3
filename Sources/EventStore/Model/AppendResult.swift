/// What an append stored in one stream.
public struct AppendResult: Sendable, Hashable {
    /// The stream appended to.
    public var stream: StreamName
    /// The global positions of the appended events, in stream order.
    public var positions: [Int64]
    /// The stream's version after the append (the version of its last event).
    public var streamVersion: Int64
    /// The transaction id that wrote the events.
    public var transactionID: UInt64
    /// `true` when every event id was already stored: this result is the original append's.
    public var wasAlreadyStored: Bool

    /// Creates a result.
    public init(stream: StreamName, positions: [Int64], streamVersion: Int64, transactionID: UInt64, wasAlreadyStored: Bool) {
        self.stream = stream
        self.positions = positions
        self.streamVersion = streamVersion
        self.transactionID = transactionID
        self.wasAlreadyStored = wasAlreadyStored
    }
}
