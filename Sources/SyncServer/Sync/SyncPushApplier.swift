import Commands
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import SyncProtocol

/// Applies validated pushes: stored answers first, the new mutations in one transaction
/// (``SyncPushBatch``), and one mutation at a time when that cannot be done.
///
/// Each mutation runs as a command whose idempotency key is derived from the tenant, user, device
/// and mutation id; its answer is then stored in `sync_mutations`. A crash between the two is
/// harmless: the retry finds the command's stored outcome under the same key and records it. Two
/// instances racing on a retried batch store each mutation's events once for the same reason.
struct SyncPushApplier: Sendable {
    /// Runs mutations.
    let planner: MutationPlanner

    var client: PostgresClient { planner.commands.store.client }
    var logger: Logger { planner.commands.store.logger }

    /// What is stored of one push: the answers of its mutations already answered (a retry), the
    /// sequence numbers they hold, and the device's last answered number.
    private struct Stored {
        var answers: [String: MutationResult] = [:]
        var seqs = Set<Int64>()
        var lastSeq: Int64 = 0
    }

    /// Applies `pushes` (of different devices) together: one query for their stored answers, and
    /// their new mutations in one transaction. A push that cannot join the transaction, or a group
    /// whose transaction cannot be written, runs on its own, as if it had come alone.
    ///
    /// - Returns: One result per push: its answer, or the error that stopped it (``CommandError``
    ///   `unavailable` when the database failed part-way: the answered prefix is stored; retrying
    ///   the whole batch is safe).
    func apply(_ pushes: [PendingPush]) async -> [Result<SyncPushResponse, any Error>] {
        let stored: [Stored]
        do {
            stored = try await storedAnswers(pushes)
        } catch {
            return pushes.map { _ in .failure(error) }
        }
        // Answers already stored (a retry) come back as they were; the new mutations run as one batch.
        var answers: [[MutationResult?]] = []
        var parts: [SyncPushBatch.Part] = []
        var partOf: [Int: Int] = [:]
        var fresh: [[Int]] = []
        for (index, push) in pushes.enumerated() {
            let known = stored[index]
            let pushAnswers: [MutationResult?] = push.request.mutations.map { mutation in
                if let answer = known.answers[mutation.id] { return answer }
                if known.seqs.contains(mutation.seq) { return SyncPushService.seqConflict(id: mutation.id, seq: mutation.seq) }
                return nil
            }
            let new = push.request.mutations.indices.filter { pushAnswers[$0] == nil }
            answers.append(pushAnswers)
            fresh.append(new)
            if !new.isEmpty {
                partOf[index] = parts.count
                parts.append(
                    SyncPushBatch.Part(
                        identity: push.identity, mutations: new.map { push.request.mutations[$0] }, lastSeq: known.lastSeq, requestID: push.requestID))
            }
        }
        var applied: [SyncPushBatch.Applied?] = parts.map { _ in nil }
        var failure: (any Error)?
        if !parts.isEmpty {
            do {
                applied = try await SyncPushBatch(planner: planner).apply(parts)
            } catch {
                // Alone, a failed batch fails its push; in a group, each push tries on its own.
                if parts.count == 1 { failure = error }
            }
        }
        // The parts the group did not write run on their own, at the same time.
        var outcomes: [Int: Result<SyncPushBatch.Applied, any Error>] = [:]
        for (part, result) in applied.enumerated() {
            if let result { outcomes[part] = .success(result) } else if let failure { outcomes[part] = .failure(failure) }
        }
        let alone = parts.indices.filter { outcomes[$0] == nil }
        await withTaskGroup(of: (Int, Result<SyncPushBatch.Applied, any Error>).self) { group in
            for part in alone {
                let single = parts[part]
                let retryBatch = parts.count > 1
                group.addTask {
                    do {
                        return (part, .success(try await applyAlone(single, batchFirst: retryBatch)))
                    } catch {
                        return (part, .failure(error))
                    }
                }
            }
            for await (part, result) in group { outcomes[part] = result }
        }
        return pushes.indices.map { index -> Result<SyncPushResponse, any Error> in
            var results = answers[index]
            var lastSeq = stored[index].lastSeq
            if let part = partOf[index] {
                switch outcomes[part] {
                case .success(let done)?:
                    for (slot, result) in zip(fresh[index], done.results) { results[slot] = result }
                    lastSeq = done.lastSeq
                case .failure(let error)?:
                    return .failure(error)
                case nil:
                    return .failure(CommandError(.unavailable, "the push could not be stored right now; retry it"))
                }
            }
            return .success(SyncPushResponse(results: results.compactMap { $0 }, lastSeq: lastSeq))
        }
    }

    /// Runs one part on its own: as a batch of its own first when `batchFirst` (it failed as part
    /// of a group), then one mutation at a time.
    private func applyAlone(_ part: SyncPushBatch.Part, batchFirst: Bool) async throws -> SyncPushBatch.Applied {
        if batchFirst, let applied = try await SyncPushBatch(planner: planner).apply([part]).first ?? nil { return applied }
        return try await applyOneByOne(part.mutations, identity: part.identity, lastSeq: part.lastSeq, requestID: part.requestID)
    }

    /// The stored answers of every push's mutations and each device's last answered number, in one query.
    private func storedAnswers(_ pushes: [PendingPush]) async throws -> [Stored] {
        var stored = pushes.map { _ in Stored() }
        let statement = StoredAnswersStatement(
            pushes.map { (SyncDevice($0.identity), $0.request.mutations.map(\.id), $0.request.mutations.map(\.seq)) })
        let rows = try await client.execute(statement, logger: logger)
        for try await row in rows {
            let (part, id, seq, status, positions, code, message, last) = try row.decode(
                (Int64, String?, Int64?, String?, [Int64]?, String?, String?, Int64?).self)
            let index = Int(part) - 1
            guard stored.indices.contains(index) else { continue }
            if let last { stored[index].lastSeq = last }
            guard let id, let seq, let status else { continue }
            stored[index].answers[id] = MutationResult(
                id: id, seq: seq, status: MutationResult.Status(rawValue: status) ?? .rejected, positions: positions ?? [], code: code, message: message)
            stored[index].seqs.insert(seq)
        }
        return stored
    }
}
