/// One stream's part of an atomic append to several streams.
public struct StreamAppend: Sendable, Hashable {
    /// The stream to append to.
    public var stream: StreamName
    /// The version the stream must be at.
    public var expectedVersion: ExpectedVersion
    /// The events, in order.
    public var events: [EventData]

    /// Creates one stream's part of an append.
    public init(stream: StreamName, expectedVersion: ExpectedVersion, events: [EventData]) {
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.events = events
    }
}
