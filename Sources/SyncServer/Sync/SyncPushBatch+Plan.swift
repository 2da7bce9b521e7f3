import Commands
import SyncProtocol

extension SyncPushBatch {
    /// Step 1: turns every mutation of every part into a command of one aggregate, or answers it
    /// at once.
    ///
    /// A mutation numbered too far ahead is refused `seq_gap` (not recorded, and the device's last
    /// number stays: the device is never wedged); one at or below the device's last number is
    /// `out_of_order`; one the planner refuses gets its refusal.
    /// - Returns: The plan; a part with a mutation that cannot be a batch step (it must run on its
    ///   own) is left out of it.
    /// - Throws: ``CommandError`` `unavailable` when planning needed the database and it failed.
    func plan(_ parts: [Part]) async throws(CommandError) -> Plan {
        var plan = Plan()
        for (index, part) in parts.enumerated() {
            guard let planned = try await planPart(part, index: index, offset: plan.decided.count) else { continue }
            plan.decided += planned.decided
            plan.steps += planned.steps
            plan.lastSeqs[index] = planned.lastSeq
            plan.parts.append(index)
        }
        return plan
    }

    /// Plans one part; its steps' indexes start at `offset`.
    /// - Returns: `nil` when a mutation of the part cannot be a batch step.
    private func planPart(_ part: Part, index: Int, offset: Int) async throws(CommandError) -> (decided: [Decided], steps: [PlannedStep], lastSeq: Int64)? {
        var decided: [Decided] = []
        var steps: [PlannedStep] = []
        var lastSeq = part.lastSeq
        for mutation in part.mutations {
            let last = lastSeq
            if SyncPushService.isTooFarAhead(mutation.seq, after: last) {
                decided.append(Decided(part: index, mutation: mutation, result: SyncPushService.seqGap(mutation, after: last), stored: false))
                continue
            }
            defer { lastSeq = max(lastSeq, mutation.seq) }
            if mutation.seq <= last {
                decided.append(Decided(part: index, mutation: mutation, result: SyncPushService.outOfOrder(mutation, after: last)))
                continue
            }
            let envelope = SyncPushService.envelope(for: mutation, identity: part.identity, requestID: part.requestID)
            do throws(CommandError) {
                guard let step = try await planner.plan(mutation.name, args: mutation.args, envelope: envelope).step else { return nil }
                steps.append(PlannedStep(index: offset + decided.count, step: step, envelope: envelope))
                decided.append(
                    Decided(
                        part: index, mutation: mutation, result: MutationResult(id: mutation.id, seq: mutation.seq, status: .applied),
                        stream: step.stream))
            } catch  where error.code == .unavailable {
                throw error
            } catch {
                decided.append(Decided(part: index, mutation: mutation, result: rejection(mutation, error, part: part)))
            }
        }
        return (decided, steps, lastSeq)
    }
}
