import Foundation
import GRDB
import SyncProtocol

/// What the replica did with one push answer.
struct PushOutcome: Sendable, Hashable {
    /// Mutations now marked applied.
    var applied: Int
    /// Mutations rolled back and moved to the rejections.
    var rejections: [Rejection]
}

extension Replica {
    /// Validates a mutation, gives it the next sequence number and a UUID, queues it and applies its
    /// local effect, all in one write transaction.
    /// - Parameters:
    ///   - name: The mutation.
    ///   - args: Its arguments (a JSON object).
    ///   - now: When it is made.
    /// - Returns: The queued mutation.
    /// - Throws: ``SyncClientError`` `invalid_mutation` (nothing written) or `database`.
    @discardableResult
    func enqueue(_ name: MutationName, args: JSONValue, now: Date = Date()) async throws -> QueuedMutation {
        let args = try MutationShape.validated(name, args: args)
        let createdAt = Timestamp.string(from: now)
        let id = UUID().uuidString.lowercased()
        return try await write { db in
            let seq = try SyncStateStore.get(.nextSeq, db).flatMap { Int64($0) } ?? 1
            let mutation = QueuedMutation(
                seq: seq, id: id, name: name, args: args, status: .pending, createdAt: createdAt, positions: [])
            try mutation.insert(db)
            try SyncStateStore.set(.nextSeq, String(seq + 1), db)
            let context = try EffectContext.load(db)
            for ref in LocalEffects.touchedRows(name, args: args, context: context) {
                let before = try EntityTable.fetch(ref, db)
                let after = LocalEffects.apply(name, args: args, at: createdAt, context: context, to: before)
                try EntityTable.store(after, at: ref, db)
            }
            return mutation
        }
    }

    /// The oldest pending mutations, in sequence order.
    func pending(limit: Int) async throws -> [QueuedMutation] {
        try await read { db in try QueuedMutation.fetchInSequence(db, status: .pending, limit: limit) }
    }

    /// Every queued mutation (pending and applied), in sequence order.
    func queued() async throws -> [QueuedMutation] {
        try await read { db in try QueuedMutation.fetchInSequence(db) }
    }

    /// Records the server's answers: applied mutations are marked applied (and keep being re-applied
    /// until a pull includes them); rejected ones leave the queue for the rejections and their rows
    /// are rebased, in one transaction. Answers for ids no longer queued are ignored.
    /// - Parameters:
    ///   - results: The push response's results.
    ///   - now: When the answers arrived.
    /// - Returns: How many were applied, and the rejections.
    func applyPushResults(_ results: [MutationResult], now: Date = Date()) async throws -> PushOutcome {
        let rejectedAt = Timestamp.string(from: now)
        return try await write { db in
            let context = try EffectContext.load(db)
            var outcome = PushOutcome(applied: 0, rejections: [])
            var refs: Set<RowRef> = []
            for result in results {
                guard let mutation = try QueuedMutation.fetch(id: result.id, db) else { continue }
                switch result.status {
                case .applied:
                    if mutation.status == .pending {
                        try QueuedMutation.markApplied(id: mutation.id, positions: result.positions, db)
                    }
                    outcome.applied += 1
                case .rejected:
                    let rejection = Rejection(
                        seq: mutation.seq, id: mutation.id, name: mutation.name, args: mutation.args,
                        code: result.code ?? "rejected", message: result.message ?? "the server refused the mutation",
                        rejectedAt: rejectedAt)
                    try QueuedMutation.delete(id: mutation.id, db)
                    try rejection.store(db)
                    refs.formUnion(LocalEffects.touchedRows(mutation.name, args: mutation.args, context: context))
                    outcome.rejections.append(rejection)
                }
            }
            try Rebaser.rebase(refs, db)
            return outcome
        }
    }

    /// The kept rejections, oldest first.
    func rejections() async throws -> [Rejection] {
        try await read { db in try Rejection.fetchInSequence(db) }
    }

    /// Forgets a rejection.
    /// - Throws: ``SyncClientError`` `not_found` when no rejection has this id.
    func dismissRejection(id: String) async throws {
        let existed = try await write { db in try Rejection.delete(id: id.lowercased(), db) }
        if !existed { throw SyncClientError(.notFound, "no rejected mutation has id \(id)") }
    }

    /// Queues a rejected mutation again as a new mutation (new id and sequence number) and forgets
    /// the rejection, in one transaction.
    /// - Returns: The new queued mutation.
    func retryRejection(id: String, now: Date = Date()) async throws -> QueuedMutation {
        let rejectionID = id.lowercased()
        let rejection = try await read { db in try Rejection.fetch(id: rejectionID, db) }
        guard let rejection else { throw SyncClientError(.notFound, "no rejected mutation has id \(id)") }
        let mutation = try await enqueue(rejection.name, args: rejection.args, now: now)
        _ = try await write { db in try Rejection.delete(id: rejectionID, db) }
        return mutation
    }
}
