/// A page of the whole log.
public struct LogPage: Sendable {
    /// The events, in `(transactionID, position)` order.
    public var events: [RecordedEvent]
    /// Where the next read should continue: after the last event of this page (or the requested
    /// position when the page is empty), or further on when a filtered page that is not full
    /// proves that no matching event lies before the log's readable horizon.
    public var next: LogPosition

    /// Creates a page.
    public init(events: [RecordedEvent], next: LogPosition) {
        self.events = events
        self.next = next
    }
}
