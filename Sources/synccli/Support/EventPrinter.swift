import Basics
import EventStore
import Foundation

/// Prints events as aligned text or JSON lines.
struct EventPrinter {
    let json: Bool

    func print(_ events: [RecordedEvent]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let formatter = ISO8601DateFormatter()
        for event in events {
            if json {
                struct Line: Encodable {
                    var position: Int64, transaction: UInt64, id: UUID, stream: String, version: Int64
                    var type: String, schemaVersion: Int, recordedAt: String, metadata: EventMetadata, data: JSONValue?
                }
                let line = Line(
                    position: event.position, transaction: event.transactionID, id: event.id, stream: event.stream.rawValue,
                    version: event.streamVersion, type: event.type, schemaVersion: event.schemaVersion,
                    recordedAt: formatter.string(from: event.recordedAt), metadata: event.metadata,
                    data: try? JSONDecoder().decode(JSONValue.self, from: event.data)
                )
                if let data = try? encoder.encode(line) { Swift.print(String(decoding: data, as: UTF8.self)) }
            } else {
                let data = String(decoding: event.data, as: UTF8.self)
                Swift.print(
                    "\(event.position)\t\(formatter.string(from: event.recordedAt))\t\(event.stream)@\(event.streamVersion)\t\(event.type) v\(event.schemaVersion)\t\(data.prefix(120))"
                )
            }
        }
    }
}
