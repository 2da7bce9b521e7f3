import Domain
import EventStore

/// A recorded event together with its decoded domain event.
struct DecodedEvent<Event: DomainEvent>: Sendable {
    /// The event as stored in the log.
    let recorded: RecordedEvent
    /// The decoded domain event.
    let event: Event

    /// The event's global position, stored as `last_position` on every row it changes.
    var position: Int64 { recorded.position }

    /// Decodes the events of `Event`'s aggregate in `events`, in order; other event types are skipped.
    ///
    /// - Throws: ``ReadModelError`` (`undecodable`) naming the first event that cannot be decoded.
    static func decodeAll(_ events: [RecordedEvent]) throws -> [DecodedEvent<Event>] {
        var result: [DecodedEvent<Event>] = []
        result.reserveCapacity(events.count)
        for recorded in events where Event.eventTypes[recorded.type] != nil {
            do {
                let event = try Event.decode(eventType: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data)
                result.append(DecodedEvent(recorded: recorded, event: event))
            } catch {
                throw ReadModelError(
                    .undecodable, eventType: recorded.type, position: recorded.position,
                    message: "cannot decode schema version \(recorded.schemaVersion) of stream \(recorded.stream): \(error)")
            }
        }
        return result
    }

    /// The error for an event that changes a row missing from `table`.
    func missing(_ table: ReadTable, _ key: ReadKey) -> ReadModelError {
        ReadModelError(
            .missingRow, eventType: recorded.type, position: recorded.position,
            message: "\(table.name) has no row \(key) (stream \(recorded.stream))")
    }
}
