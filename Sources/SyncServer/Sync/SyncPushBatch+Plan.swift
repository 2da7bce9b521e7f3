import Commands
import SyncProtocol

extension SyncPushBatch {
    /// Step 1: turns every mutation into a command of one aggregate, or answers it at once.
    ///
    /// A mutation numbered too far ahead is refused `seq_gap` (not recorded, and the device's last
    /// number stays: the device is never wedged); one at or below the device's last number is
    /// `out_of_order`; one the planner refuses gets its refusal.
    /// - Returns: The plan, or `nil` when a mutation cannot be a batch step (it must run on its own).
    /// - Throws: ``CommandError`` `unavailable` when planning needed the database and it failed.
    func plan(_ mutations: [Mutation], identity: Identity, lastSeq: Int64) async throws(CommandError) -> Plan? {
        var plan = Plan(lastSeq: lastSeq)
        for mutation in mutations {
            let last = plan.lastSeq
            if SyncPushService.isTooFarAhead(mutation.seq, after: last) {
                plan.decided.append(Decided(mutation: mutation, result: SyncPushService.seqGap(mutation, after: last), stored: false))
                continue
            }
            defer { plan.lastSeq = max(plan.lastSeq, mutation.seq) }
            if mutation.seq <= last {
                plan.decided.append(Decided(mutation: mutation, result: SyncPushService.outOfOrder(mutation, after: last)))
                continue
            }
            let envelope = SyncPushService.envelope(for: mutation, identity: identity, requestID: requestID)
            do throws(CommandError) {
                guard let step = try await planner.plan(mutation.name, args: mutation.args, envelope: envelope).step else { return nil }
                plan.steps.append(PlannedStep(index: plan.decided.count, step: step, envelope: envelope))
                plan.decided.append(
                    Decided(mutation: mutation, result: MutationResult(id: mutation.id, seq: mutation.seq, status: .applied), stream: step.stream))
            } catch  where error.code == .unavailable {
                throw error
            } catch {
                plan.decided.append(Decided(mutation: mutation, result: rejection(mutation, error, identity: identity)))
            }
        }
        return plan
    }
}
