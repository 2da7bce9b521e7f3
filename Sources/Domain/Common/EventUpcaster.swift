import Basics

/// Rewrites the stored JSON payload of one event type from one schema version to the next.
///
/// Stored events are never rewritten in the log: an event written years ago as version 1 stays
/// version 1. When ``DomainEvent/decode(eventType:schemaVersion:data:)`` reads it, the aggregate's
/// ``DomainEvent/upcasters`` are applied in order (1 → 2, 2 → 3, …) until the payload has the
/// current shape, which is then decoded as usual.
///
/// ```swift
/// // TodoCreated v2 calls v1's `dueDate` `dueAt`.
/// EventUpcaster.renaming("TodoCreated", fromVersion: 1, field: "dueDate", to: "dueAt")
/// ```
public struct EventUpcaster: Sendable {
    /// The event type's wire name, e.g. `TodoCreated`.
    public let eventType: String
    /// The schema version it reads; it produces `fromVersion + 1`.
    public let fromVersion: Int
    /// Turns the payload object of version ``fromVersion`` into the payload object of the next version.
    public let transform: @Sendable ([String: JSONValue]) throws(EventDecodingError) -> [String: JSONValue]

    /// Creates an upcaster of `eventType` from `fromVersion` to `fromVersion + 1`.
    /// - Parameters:
    ///   - eventType: The event type's wire name.
    ///   - fromVersion: The schema version it reads.
    ///   - transform: The rewrite of the payload object; throws ``EventDecodingError`` (`upcast_failed`)
    ///     for a payload it cannot rewrite.
    public init(
        eventType: String, fromVersion: Int,
        transform: @escaping @Sendable ([String: JSONValue]) throws(EventDecodingError) -> [String: JSONValue]
    ) {
        self.eventType = eventType
        self.fromVersion = fromVersion
        self.transform = transform
    }

    /// An upcaster that renames the member `old` to `new` (a payload without `old` is left as it is,
    /// which keeps an absent optional field absent).
    /// - Parameters:
    ///   - eventType: The event type's wire name.
    ///   - fromVersion: The schema version that still uses `old`.
    ///   - old: The member's name in version `fromVersion`.
    ///   - new: Its name in version `fromVersion + 1`.
    public static func renaming(_ eventType: String, fromVersion: Int, field old: String, to new: String) -> EventUpcaster {
        EventUpcaster(eventType: eventType, fromVersion: fromVersion) { payload throws(EventDecodingError) in
            guard let value = payload[old] else { return payload }
            guard payload[new] == nil else {
                throw EventDecodingError.upcastFailed(
                    eventType: eventType, schemaVersion: fromVersion, reason: "the payload already has \(new)")
            }
            var renamed = payload
            renamed[old] = nil
            renamed[new] = value
            return renamed
        }
    }
}
