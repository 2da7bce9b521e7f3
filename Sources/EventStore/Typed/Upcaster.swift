import Basics

/// Rewrites one event type's data from one schema version to the next.
public struct Upcaster: Sendable {
    /// The event type it applies to.
    public var eventType: String
    /// The schema version it reads; it produces `fromVersion + 1`.
    public var fromVersion: Int
    /// The transformation of the JSON data.
    public var transform: @Sendable (JSONValue) throws -> JSONValue

    /// Creates an upcaster from `fromVersion` to `fromVersion + 1`.
    public init(eventType: String, fromVersion: Int, transform: @escaping @Sendable (JSONValue) throws -> JSONValue) {
        self.eventType = eventType
        self.fromVersion = fromVersion
        self.transform = transform
    }
}
