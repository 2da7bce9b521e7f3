import GRDB
import SyncProtocol

/// Recomputes visible rows: the server's copy with every queued mutation (pending, or applied but
/// not yet included by a pull) re-applied in sequence order.
enum Rebaser {
    /// Rebases the given rows inside the caller's write transaction.
    /// - Parameters:
    ///   - refs: The rows to recompute; a row without a server copy and without a mutation that
    ///     creates it is removed.
    ///   - db: A database connection inside a write transaction.
    static func rebase(_ refs: Set<RowRef>, _ db: Database) throws {
        guard !refs.isEmpty else { return }
        let context = try EffectContext.load(db)
        let queue = try QueuedMutation.fetchInSequence(db).map { mutation in
            (mutation, Set(LocalEffects.touchedRows(mutation.name, args: mutation.args, context: context)))
        }
        for ref in refs {
            var row = try ServerRow.fetch(ref, db)
            for (mutation, touched) in queue where touched.contains(ref) {
                row = LocalEffects.apply(mutation.name, args: mutation.args, at: mutation.createdAt, context: context, to: row)
            }
            try EntityTable.store(row, at: ref, db)
        }
    }

    /// Every row a queued mutation touches.
    static func queuedRefs(_ db: Database) throws -> Set<RowRef> {
        let context = try EffectContext.load(db)
        var refs: Set<RowRef> = []
        for mutation in try QueuedMutation.fetchInSequence(db) {
            refs.formUnion(LocalEffects.touchedRows(mutation.name, args: mutation.args, context: context))
        }
        return refs
    }
}
