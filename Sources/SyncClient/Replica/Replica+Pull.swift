import GRDB
import SyncProtocol

/// What the replica did with one pull page.
struct PullOutcome: Sendable, Hashable {
    /// Row changes applied.
    var changes: Int
    /// Applied mutations dropped because the page includes their effects.
    var included: Int
}

extension Replica {
    /// Applies one pull page in one transaction (``writePage(durable:_:)``): drops every replicated row first when the page
    /// says `reset` (pending mutations stay), stores the server copies and tombstones, stores the
    /// cursor, drops the applied mutations up to `included_seq`, and rebases every affected row.
    /// - Throws: ``SyncClientError`` `bad_response` for an upsert without a row (nothing written),
    ///   or `database`.
    /// - Parameter durable: Commit with a full fsync (else see ``writePage(durable:_:)``: a power
    ///   loss may roll the page back with its cursor; the next sync pulls it again).
    func applyPullPage(_ page: PullResponse, durable: Bool = false) async throws -> PullOutcome {
        try await writePage(durable: durable) { db in
            var refs: Set<RowRef> = []
            // Rows no queued mutation touches are visible exactly as the server sent them: they are
            // written once as text, and only the others are rebased.
            let queued = try Rebaser.queuedRefs(db)
            if page.reset {
                try ServerRow.deleteAll(db)
                try EntityTable.deleteAll(db)
                refs.formUnion(queued)
            }
            for change in page.changes {
                let ref = RowRef(change.entity, change.key)
                var text: String?
                switch change.op {
                case .upsert:
                    if let raw = change.rowText {
                        text = raw
                    } else {
                        guard let row = change.row, row.objectValue != nil else {
                            throw SyncClientError(.badResponse, "the server sent an upsert of \(ref) without a row object")
                        }
                        text = row.jsonText
                    }
                case .delete:
                    text = nil
                }
                try ServerRow.store(text: text, at: ref, db)
                if queued.contains(ref) {
                    refs.insert(ref)
                } else {
                    try EntityTable.store(text: text, at: ref, db)
                }
            }
            try SyncStateStore.set(.cursor, page.cursor, db)
            let context = try EffectContext.load(db)
            let included = try QueuedMutation.deleteApplied(throughSeq: page.includedSeq, db)
            for mutation in included {
                refs.formUnion(LocalEffects.touchedRows(mutation.name, args: mutation.args, context: context))
            }
            try Rebaser.rebase(refs, db)
            return PullOutcome(changes: page.changes.count, included: included.count)
        }
    }
}
