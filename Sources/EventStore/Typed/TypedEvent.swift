/// A Swift event type stored in the log under a stable name and schema version.
///
/// ```swift
/// struct TodoRenamed: TypedEvent {
///     static let eventType = "TodoRenamed"
///     static let schemaVersion = 2
///     var title: String
/// }
/// ```
/// When the shape changes, raise ``schemaVersion`` and register an ``Upcaster`` from the old version:
/// stored events are never rewritten.
public protocol TypedEvent: Codable, Sendable {
    /// The stable wire name stored in the `type` column.
    static var eventType: String { get }
    /// The current schema version of this type's data.
    static var schemaVersion: Int { get }
}
