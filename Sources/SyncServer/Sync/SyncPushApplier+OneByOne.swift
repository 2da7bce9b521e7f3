import Commands
import Domain
import EventStore
import Foundation
import PostgresNIO
import SyncProtocol

extension SyncPushApplier {
    /// Runs new mutations one at a time, each in its own transaction, in sequence order.
    func applyOneByOne(
        _ mutations: [Mutation], identity: Identity, lastSeq: Int64, requestID: String?
    ) async throws -> (results: [MutationResult], lastSeq: Int64) {
        var lastSeq = lastSeq
        var results: [MutationResult] = []
        for mutation in mutations {
            var result: MutationResult
            var eventTypes: [String] = []
            var recorded = false
            if mutation.seq <= lastSeq {
                result = SyncPushService.outOfOrder(mutation, after: lastSeq)
            } else if SyncPushService.isTooFarAhead(mutation.seq, after: lastSeq) {
                // Not recorded, and the device's last number stays: the device is never wedged.
                results.append(SyncPushService.seqGap(mutation, after: lastSeq))
                continue
            } else {
                (result, eventTypes, recorded) = try await run(mutation, identity: identity, requestID: requestID)
            }
            if !recorded {
                result = try await record(result, name: mutation.name, eventTypes: eventTypes, identity: identity)
            }
            lastSeq = max(lastSeq, mutation.seq)
            results.append(result)
        }
        return (results, lastSeq)
    }

    /// Runs one mutation; `recorded` is true when its answer was stored with its events.
    private func run(_ mutation: Mutation, identity: Identity, requestID: String?) async throws -> (MutationResult, [String], recorded: Bool) {
        let envelope = SyncPushService.envelope(for: mutation, identity: identity, requestID: requestID)
        do {
            let outcome = try await planner.run(mutation.name, args: mutation.args, envelope: envelope)
            return (MutationResult(id: mutation.id, seq: mutation.seq, status: .applied, positions: outcome.positions), outcome.eventTypes, !outcome.replayed)
        } catch let error where error.code.isTransient {
            logger.warning(
                "push stopped by a transient failure",
                metadata: ["mutation.id": "\(mutation.id)", "error": "\(error)", "hb.request.id": "\(requestID ?? "")"])
            throw error
        } catch {
            return (SyncPushService.rejection(mutation, error, deviceID: identity.deviceID, requestID: requestID, logger: logger), [], false)
        }
    }

    /// Stores the answer unless another server instance answered the same mutation first, and
    /// returns the answer that stands (the stored one), so racing retries all get the same answer.
    private func record(_ result: MutationResult, name: String, eventTypes: [String], identity: Identity) async throws -> MutationResult {
        let device = SyncDevice(identity)
        let (tenant, user, deviceID) = (device.tenantID.rawValue, device.userID.rawValue, device.deviceID.rawValue)
        let inserted = try await client.query(
            """
            INSERT INTO sync_mutations (tenant_id, device_id, seq, mutation_id, user_id, name, status, positions, event_types, code, message, transaction_id, last_position)
            VALUES (\(tenant), \(deviceID), \(result.seq), \(result.id), \(user), \(name), \(result.status.rawValue),
                    \(result.positions), \(eventTypes), \(result.code), \(result.message),
                    (SELECT transaction_id FROM events WHERE position = \(result.positions.max())), \(result.positions.max()))
            ON CONFLICT DO NOTHING
            RETURNING 1
            """,
            logger: logger
        )
        for try await _ in inserted { return result }
        let stored = try await client.query(
            """
            SELECT status, positions, code, message FROM sync_mutations
            WHERE tenant_id = \(tenant) AND user_id = \(user) AND device_id = \(deviceID) AND mutation_id = \(result.id)
            """,
            logger: logger
        )
        for try await (status, positions, code, message) in stored.decode((String, [Int64], String?, String?).self) {
            return MutationResult(
                id: result.id, seq: result.seq, status: MutationResult.Status(rawValue: status) ?? .rejected,
                positions: positions, code: code, message: message
            )
        }
        return SyncPushService.seqConflict(id: result.id, seq: result.seq)
    }

}
