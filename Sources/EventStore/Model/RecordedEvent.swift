import Foundation

/// An event as stored in the log.
public struct RecordedEvent: Sendable, Hashable {
    /// The event's global position.
    public var position: Int64
    /// The top-level transaction id that wrote it.
    public var transactionID: UInt64
    /// The event id.
    public var id: UUID
    /// The stream it belongs to.
    public var stream: StreamName
    /// Its version within the stream (1 for the first event).
    public var streamVersion: Int64
    /// The event type's wire name.
    public var type: String
    /// The schema version of ``data``.
    public var schemaVersion: Int
    /// The JSON payload.
    public var data: Data
    /// Who and what caused it.
    public var metadata: EventMetadata
    /// When the writing transaction started.
    public var recordedAt: Date

    /// Creates a recorded event (used by the store and by tests).
    public init(
        position: Int64, transactionID: UInt64, id: UUID, stream: StreamName, streamVersion: Int64,
        type: String, schemaVersion: Int, data: Data, metadata: EventMetadata, recordedAt: Date
    ) {
        self.position = position
        self.transactionID = transactionID
        self.id = id
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
        self.recordedAt = recordedAt
    }

    /// This event's place in the whole log: a checkpoint after it resumes with the next event.
    public var logPosition: LogPosition {
        LogPosition(transactionID: transactionID, position: position)
    }
}
