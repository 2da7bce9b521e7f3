import Commands
import Crypto
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import SyncProtocol

/// Applies a device's batch of mutations, in sequence order, exactly once each.
///
/// Sync state belongs to the device as used by one user of one tenant (``SyncDevice``): another
/// user signing in with the same device id starts a sequence of their own and never sees or
/// disturbs this one. One device's batches run one at a time in this instance (``DeviceQueue``).
/// Each mutation runs as a command whose idempotency key is derived from the tenant, user, device
/// and mutation id; its answer is then stored in `sync_mutations`. A crash between the two is
/// harmless: the retry finds the command's stored outcome under the same key and records it. Two
/// instances racing on a retried batch store each mutation's events once for the same reason.
public struct SyncPushService: Sendable {
    /// The highest sequence number a mutation may have: 2^53 - 1, the largest integer every JSON
    /// implementation reads exactly.
    public static let maxSeq: Int64 = 9_007_199_254_740_991
    /// How far above the device's highest answered sequence number a new mutation may be. A
    /// mutation further ahead is rejected `seq_gap`, and not recorded, so a client whose counter
    /// jumped (or a forged push) cannot make every later mutation `out_of_order`.
    public static let maxSeqGap: Int64 = 1_000_000

    /// Runs mutations.
    public let planner: MutationPlanner
    /// The most mutations in one push.
    public let maxBatch: Int
    private let queue: DeviceQueue

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - planner: Runs mutations.
    ///   - maxBatch: The most mutations in one push.
    ///   - devicePatience: The longest a push waits for the previous push of the same device on
    ///     this instance (after that it runs as it would on another instance; see `DeviceQueue`).
    public init(planner: MutationPlanner, maxBatch: Int = 100, devicePatience: Duration = .seconds(30)) {
        self.planner = planner
        self.maxBatch = maxBatch
        self.queue = DeviceQueue(patience: devicePatience)
    }

    var client: PostgresClient { planner.commands.store.client }
    var logger: Logger { planner.commands.store.logger }

    /// Applies `request` for the signed-in device of `identity`.
    ///
    /// - Parameter requestID: The HTTP request's id (see `RequestIDMiddleware`): the correlation
    ///   id of the events the push appends (`nil`: none).
    /// - Throws: ``CommandError`` `invalid` for a malformed batch (nothing is applied), or
    ///   `unavailable` when the database failed part-way (the answered prefix is stored; retrying
    ///   the whole batch is safe).
    public func push(_ request: SyncPushRequest, identity: Identity, requestID: String? = nil) async throws -> SyncPushResponse {
        try validate(request)
        return try await queue.run(SyncDevice(identity)) {
            // No connection is held across the batch: each query leases one, so pushes never
            // starve the commands they run of pool connections.
            try await apply(request, identity: identity, requestID: requestID)
        }
    }

    private func validate(_ request: SyncPushRequest) throws(CommandError) {
        guard (1...maxBatch).contains(request.mutations.count) else {
            throw CommandError(.invalid, "a push carries 1-\(maxBatch) mutations; this one has \(request.mutations.count)")
        }
        var previous: Int64 = 0
        var ids = Set<String>()
        for mutation in request.mutations {
            guard mutation.seq > previous, mutation.seq <= Self.maxSeq else {
                throw CommandError(.invalid, "mutation sequence numbers must be 1-\(Self.maxSeq) and strictly increasing (\(mutation.seq) after \(previous))")
            }
            // Control characters (U+0000 above all, which PostgreSQL text cannot hold) are refused
            // here, not failed in the database.
            let isControl: (UInt8) -> Bool = { $0 < 0x20 || $0 == 0x7F }
            guard (1...100).contains(mutation.id.utf8.count), !mutation.id.utf8.contains(where: isControl), ids.insert(mutation.id).inserted else {
                throw CommandError(.invalid, "mutation ids must be 1-100 bytes without control characters (such as U+0000) and unique within a push")
            }
            guard mutation.name.utf8.count <= 64, !mutation.name.utf8.contains(where: isControl) else {
                throw CommandError(.invalid, "mutation names have at most 64 bytes and no control characters (such as U+0000)")
            }
            previous = mutation.seq
        }
    }

    private func apply(_ request: SyncPushRequest, identity: Identity, requestID: String?) async throws -> SyncPushResponse {
        let device = SyncDevice(identity)
        let (tenant, user, deviceID) = (device.tenantID.rawValue, device.userID.rawValue, device.deviceID.rawValue)
        var stored: [String: MutationResult] = [:]
        var storedSeqs = Set<Int64>()
        // The stored answers of this batch and the device's last answered number, in one query.
        let rows = try await client.execute(
            StoredAnswersStatement(device, ids: request.mutations.map(\.id), seqs: request.mutations.map(\.seq)), logger: logger)
        var lastSeq: Int64 = 0
        for try await row in rows {
            let (id, seq, status, positions, code, message, last) = try row.decode((String?, Int64?, String?, [Int64]?, String?, String?, Int64).self)
            lastSeq = last
            guard let id, let seq, let status else { continue }
            stored[id] = MutationResult(
                id: id, seq: seq, status: MutationResult.Status(rawValue: status) ?? .rejected, positions: positions ?? [], code: code, message: message)
            storedSeqs.insert(seq)
        }
        // Answers already stored (a retry) come back as they were; the new mutations run as one
        // batch, or one by one when the batch cannot be applied as a whole.
        var answers: [MutationResult?] = request.mutations.map { mutation in
            if let answer = stored[mutation.id] { return answer }
            if storedSeqs.contains(mutation.seq) { return Self.seqConflict(id: mutation.id, seq: mutation.seq) }
            return nil
        }
        let fresh = request.mutations.indices.filter { answers[$0] == nil }
        if !fresh.isEmpty {
            let mutations = fresh.map { request.mutations[$0] }
            let applied: (results: [MutationResult], lastSeq: Int64)
            if let batch = try await SyncPushBatch(planner: planner, requestID: requestID).apply(mutations, identity: identity, lastSeq: lastSeq) {
                applied = batch
            } else {
                applied = try await applyOneByOne(mutations, identity: identity, lastSeq: lastSeq, requestID: requestID)
            }
            for (index, result) in zip(fresh, applied.results) { answers[index] = result }
            lastSeq = applied.lastSeq
        }
        return SyncPushResponse(results: answers.compactMap { $0 }, lastSeq: lastSeq)
    }

    /// Runs new mutations one at a time, each in its own transaction, in sequence order.
    private func applyOneByOne(
        _ mutations: [Mutation], identity: Identity, lastSeq: Int64, requestID: String?
    ) async throws -> (results: [MutationResult], lastSeq: Int64) {
        var lastSeq = lastSeq
        var results: [MutationResult] = []
        for mutation in mutations {
            var result: MutationResult
            var eventTypes: [String] = []
            var recorded = false
            if mutation.seq <= lastSeq {
                result = Self.outOfOrder(mutation, after: lastSeq)
            } else if Self.isTooFarAhead(mutation.seq, after: lastSeq) {
                // Not recorded, and the device's last number stays: the device is never wedged.
                results.append(Self.seqGap(mutation, after: lastSeq))
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

    /// The envelope a pushed mutation's command runs in: its idempotency key is derived from the
    /// tenant, user, device and mutation id, and its answer is recorded with its events. Its
    /// events are correlated with the push's HTTP request (`requestID`) and caused by
    /// `mutation:<mutation id>`.
    static func envelope(for mutation: Mutation, identity: Identity, requestID: String?) -> CommandEnvelope {
        var envelope = CommandEnvelope(
            principal: identity.principal, deviceID: identity.deviceID,
            idempotencyKey: idempotencyKey(device: SyncDevice(identity), mutation: mutation.id),
            correlationID: requestID, causationID: "mutation:\(mutation.id)"
        )
        envelope.mutation = PushedMutation(
            tenantID: identity.tenantID.rawValue, deviceID: identity.deviceID.rawValue, userID: identity.userID.rawValue,
            id: mutation.id, seq: mutation.seq, name: mutation.name
        )
        return envelope
    }

    /// The command idempotency key of a pushed mutation: `m2:<tenant>:<user>:<device>:<mutation id>`,
    /// so another user's mutation with the same device and mutation id can never match it. Mutation
    /// ids over 86 bytes are replaced by `#` and their SHA-256 in hex, which keeps the key within
    /// the command log's 200 characters.
    ///
    /// Keys of version 1 (`m:<device>:<mutation id>`) stay in the command log; a retry of a
    /// mutation answered before the upgrade finds its answer in `sync_mutations` first and never
    /// looks them up.
    static func idempotencyKey(device: SyncDevice, mutation: String) -> String {
        let id = mutation.utf8.count <= 86 ? mutation : "#" + SHA256.hash(data: Data(mutation.utf8)).map { String(format: "%02x", $0) }.joined()
        return "m2:\(device.tenantID):\(device.userID):\(device.deviceID):\(id)"
    }

    /// Whether `seq` lies more than ``maxSeqGap`` above the device's last answered number.
    static func isTooFarAhead(_ seq: Int64, after lastSeq: Int64) -> Bool {
        // Both are non-negative, so the difference cannot overflow.
        seq - lastSeq > maxSeqGap
    }

    /// The refusal of a mutation numbered too far above the device's last answered one; it is
    /// not recorded.
    static func seqGap(_ mutation: Mutation, after lastSeq: Int64) -> MutationResult {
        MutationResult(
            id: mutation.id, seq: mutation.seq, status: .rejected, code: "seq_gap",
            message: "mutation \(mutation.seq) is more than \(maxSeqGap) above mutation \(lastSeq), the last this device had answered"
        )
    }

    /// The refusal of a mutation numbered at or below one the device already had applied.
    static func outOfOrder(_ mutation: Mutation, after lastSeq: Int64) -> MutationResult {
        MutationResult(
            id: mutation.id, seq: mutation.seq, status: .rejected, code: "out_of_order",
            message: "mutation \(mutation.seq) arrived after mutation \(lastSeq) of this device was applied"
        )
    }

    /// Runs one mutation; `recorded` is true when its answer was stored with its events.
    private func run(_ mutation: Mutation, identity: Identity, requestID: String?) async throws -> (MutationResult, [String], recorded: Bool) {
        let envelope = Self.envelope(for: mutation, identity: identity, requestID: requestID)
        do {
            let outcome = try await planner.run(mutation.name, args: mutation.args, envelope: envelope)
            return (MutationResult(id: mutation.id, seq: mutation.seq, status: .applied, positions: outcome.positions), outcome.eventTypes, !outcome.replayed)
        } catch let error where error.code.isTransient {
            logger.warning(
                "push stopped by a transient failure",
                metadata: ["mutation.id": "\(mutation.id)", "error": "\(error)", "hb.request.id": "\(requestID ?? "")"])
            throw error
        } catch {
            logger.info(
                "mutation rejected",
                metadata: [
                    "device.id": "\(identity.deviceID)", "mutation.id": "\(mutation.id)", "mutation.name": "\(mutation.name)", "code": "\(error.code)",
                    "hb.request.id": "\(requestID ?? "")",
                ])
            return (MutationResult(id: mutation.id, seq: mutation.seq, status: .rejected, code: error.code.rawValue, message: error.message), [], false)
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
        return Self.seqConflict(id: result.id, seq: result.seq)
    }

    /// The refusal of a new mutation whose sequence number another mutation of the device holds.
    static func seqConflict(id: String, seq: Int64) -> MutationResult {
        MutationResult(
            id: id, seq: seq, status: .rejected, code: "seq_conflict",
            message: "sequence number \(seq) of this device already belongs to another mutation"
        )
    }
}
