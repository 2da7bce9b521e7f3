import Foundation
import Logging
import PostgresNIO

/// One row of the `events` table as a build wrote it: what a fixture of an old log keeps.
public struct StoredEventRow: Sendable {
    /// `event_id`.
    public var eventID: String
    /// `stream`, e.g. `todo-<uuid>`.
    public var stream: String
    /// `stream_version`.
    public var streamVersion: Int64
    /// `tenant_id`.
    public var tenantID: String
    /// `type`.
    public var type: String
    /// `schema_version`.
    public var schemaVersion: Int
    /// `data` as JSON text.
    public var data: String
    /// `metadata` as JSON text.
    public var metadata: String

    /// Creates a row.
    public init(
        eventID: String, stream: String, streamVersion: Int64, tenantID: String, type: String, schemaVersion: Int,
        data: String, metadata: String
    ) {
        self.eventID = eventID
        self.stream = stream
        self.streamVersion = streamVersion
        self.tenantID = tenantID
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
    }

    /// Inserts the row with plain SQL, in a transaction of its own; the stream keeps the
    /// `stream_id` of its first event (or takes the next from `events_stream_id_seq`).
    public func insert(into client: PostgresClient, logger: Logger) async throws {
        guard let id = UUID(uuidString: eventID) else { throw TestFailure("bad event id \(eventID)") }
        let category = String(stream.prefix { $0 != "-" })
        try await client.query(
            """
            INSERT INTO events (event_id, stream, stream_id, category, stream_version, tenant_id, type, schema_version, data, metadata)
            VALUES (\(id), \(stream),
                    coalesce((SELECT stream_id FROM events WHERE stream = \(stream) AND stream_version = 1), nextval('events_stream_id_seq')),
                    \(category), \(streamVersion), \(tenantID), \(type), \(schemaVersion), \(data)::jsonb, \(metadata)::jsonb)
            """,
            logger: logger)
    }
}
