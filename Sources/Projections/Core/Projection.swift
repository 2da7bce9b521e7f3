import EventStore
import Foundation

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

    /// Whether ``apply(_:in:)`` needs the non-unique indexes of ``schema`` while it runs during a
    /// rebuild. When `false`, a rebuild creates the shadow tables without them (`CREATE INDEX`
    /// statements, not `CREATE UNIQUE INDEX`) and builds them once the shadow is filled, which is
    /// much cheaper than maintaining them row by row. Defaults to `true`.
    var needsIndexesWhileRebuilding: Bool { get }

    /// Finishes a rebuild: called once, in the swap transaction, after the last events were
    /// applied to the shadow tables and before they go live. A projection that skips work per batch
    /// while ``ProjectionContext/isRebuilding`` (an aggregate, say) does it here. Defaults to nothing.
    func finishRebuild(in context: ProjectionContext) async throws
    /// Statements run on the live tables only (never on a rebuild's shadow tables), each time they
    /// go live and at every runner start, so they must be idempotent: the change-feed triggers.
    /// Defaults to none.
    var liveStatements: [String] { get }
}

extension Projection {
    /// Indexes are kept while rebuilding unless a projection says otherwise.
    public var needsIndexesWhileRebuilding: Bool { true }

    /// Nothing to finish by default.
    public func finishRebuild(in context: ProjectionContext) async throws {}
    /// No live-only statements by default.
    public var liveStatements: [String] { [] }

    /// The statements of ``schema`` a rebuild may run after filling the tables.
    var deferredIndexStatements: [String] {
        needsIndexesWhileRebuilding ? [] : schema.filter(Self.isPlainIndex)
    }

    /// The statements of ``schema`` a rebuild runs before filling the tables.
    var rebuildSchemaStatements: [String] {
        needsIndexesWhileRebuilding ? schema : schema.filter { !Self.isPlainIndex($0) }
    }

    static func isPlainIndex(_ statement: String) -> Bool {
        statement.trimmingCharacters(in: .whitespacesAndNewlines).uppercased().hasPrefix("CREATE INDEX")
    }
}
