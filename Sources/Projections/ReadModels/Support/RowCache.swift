import Domain

/// The rows of one table that a batch touches: loaded with one query, changed in memory in log
/// order, and written back with one upsert (or one insert for append-only tables).
package struct RowCache<Row: ReadRow> {
    private var rows: [ReadKey: Row] = [:]
    private var loaded: Set<ReadKey> = []
    private var changed: [ReadKey] = []
    private var changedSet: Set<ReadKey> = []

    /// An empty cache.
    package init() {}

    /// Loads the stored rows of `keys` not looked up yet, in one query.
    package mutating func load(_ keys: some Sequence<ReadKey>, in context: ProjectionContext) async throws {
        let wanted = Set(keys).subtracting(loaded)
        guard !wanted.isEmpty else { return }
        loaded.formUnion(wanted)
        let found = try await context.load(Row.self, from: Row.table, keys: Array(wanted))
        for row in found where rows[row.key] == nil {
            rows[row.key] = row
        }
    }

    /// The current row of `key`, if any.
    package subscript(key: ReadKey) -> Row? { rows[key] }

    /// Every row loaded or written so far.
    package var all: Dictionary<ReadKey, Row>.Values { rows.values }

    /// Stores `row` (new or replaced) and marks it for writing.
    package mutating func put(_ row: Row) {
        let key = row.key
        rows[key] = row
        if changedSet.insert(key).inserted { changed.append(key) }
    }

    /// Changes the existing row of `key`, or throws naming `event` when there is none.
    mutating func update<Event: DomainEvent>(
        _ key: ReadKey, for event: DecodedEvent<Event>, _ change: (inout Row) throws -> Void
    ) throws {
        guard var row = rows[key] else { throw event.missing(Row.table, key) }
        try change(&row)
        put(row)
    }

    /// The changed rows, in the order they were first changed.
    var changedRows: [Row] { changed.compactMap { rows[$0] } }

    /// Upserts the changed rows in one statement.
    func save(in context: ProjectionContext) async throws {
        try await context.upsert(changedRows, into: Row.table)
    }

    /// Upserts the changed rows and forgets that they changed, so that SQL run next sees them.
    package mutating func flush(in context: ProjectionContext) async throws {
        try await save(in: context)
        changed = []
        changedSet = []
    }

    /// Inserts the changed rows in one statement (append-only tables whose rows are all new).
    func append(in context: ProjectionContext) async throws {
        try await context.insert(changedRows, into: Row.table)
    }
}
