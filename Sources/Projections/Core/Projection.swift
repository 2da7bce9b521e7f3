import EventStore

/// A read model built from the log: a name, a version, the tables it owns, and how a batch of
/// events changes them.
///
/// A projection writes only through the ``ProjectionContext`` it is given. The runner calls
/// ``apply(_:in:)`` inside a transaction whose `search_path` names the schema being written (the
/// live `read` schema, or a shadow schema during a rebuild), so the projection's SQL uses
/// unqualified table names and never knows which one it is filling. The same transaction stores
/// the checkpoint: a batch is applied exactly once or not at all.
///
/// Bump ``version`` whenever the tables or the way events map to rows change; the next start
/// rebuilds the projection blue/green (see ``ProjectionRebuilder``).
public protocol Projection: Sendable {
    /// A stable name: lower-case letters, digits and `_` (it names schemas and locks).
    var name: String { get }
    /// The code version of the tables and the mapping.
    var version: Int { get }
    /// The event types this projection reads; `nil` reads every event.
    var eventTypes: [String]? { get }
    /// The tables it owns, created by ``schema`` and swapped together on a rebuild.
    var tables: [ReadTable] { get }
    /// Statements that create the tables and their indexes, with unqualified names.
    var schema: [String] { get }
    /// Applies a batch of events, in log order, inside the runner's transaction.
    ///
    /// Throw when an event cannot be applied: the transaction rolls back and the runner finds the
    /// event, records it, and stops this projection only until an operator retries or skips it.
    func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws
}
