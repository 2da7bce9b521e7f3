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
/// Pushes of different devices that arrive while the instance is busy are applied together, in
/// one transaction (``PushCombiner``), each with its own answers.
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
    private let combiner: PushCombiner

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - planner: Runs mutations.
    ///   - maxBatch: The most mutations in one push.
    ///   - devicePatience: The longest a push waits for the previous push of the same device on
    ///     this instance (after that it runs as it would on another instance; see `DeviceQueue`),
    ///     and the longest a group of combined pushes may take before its pushes are answered
    ///     `unavailable` (see `PushCombiner`).
    ///   - combinedGroups: The most groups of pushes applied at once in this instance; pushes
    ///     arriving while all are busy wait and are combined into one transaction (see `PushCombiner`).
    ///   - maxCombinedMutations: The most mutations in one group of combined pushes.
    public init(
        planner: MutationPlanner, maxBatch: Int = 100, devicePatience: Duration = .seconds(30), combinedGroups: Int = 4,
        maxCombinedMutations: Int = 200
    ) {
        self.planner = planner
        self.maxBatch = maxBatch
        self.queue = DeviceQueue(patience: devicePatience)
        self.combiner = PushCombiner(
            applier: SyncPushApplier(planner: planner), limit: combinedGroups, maxMutations: maxCombinedMutations, deadline: devicePatience)
    }

    /// Applies `request` for the signed-in device of `identity`.
    ///
    /// - Parameter requestID: The HTTP request's id (see `RequestIDMiddleware`): the correlation
    ///   id of the events the push appends (`nil`: none).
    /// - Throws: ``CommandError`` `invalid` for a malformed batch (nothing is applied), or
    ///   `unavailable` when the database failed part-way (the answered prefix is stored; retrying
    ///   the whole batch is safe).
    public func push(_ request: SyncPushRequest, identity: Identity, requestID: String? = nil) async throws -> SyncPushResponse {
        try validate(request)
        let combiner = combiner
        return try await queue.run(SyncDevice(identity)) {
            // No connection is held across the batch: each query leases one, so pushes never
            // starve the commands they run of pool connections.
            try await combiner.submit(PendingPush(request: request, identity: identity, requestID: requestID))
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

    /// The answer to a mutation the domain or the planner refused, logged at `info` as "mutation
    /// rejected" (on the batch path and the one-by-one path alike).
    static func rejection(_ mutation: Mutation, _ error: CommandError, deviceID: DeviceID, requestID: String?, logger: Logger) -> MutationResult {
        logger.info(
            "mutation rejected",
            metadata: [
                "device.id": "\(deviceID)", "mutation.id": "\(mutation.id)", "mutation.name": "\(mutation.name)", "code": "\(error.code)",
                "hb.request.id": "\(requestID ?? "")",
            ])
        return MutationResult(id: mutation.id, seq: mutation.seq, status: .rejected, code: error.code.rawValue, message: error.message)
    }

    /// The refusal of a new mutation whose sequence number another mutation of the device holds.
    static func seqConflict(id: String, seq: Int64) -> MutationResult {
        MutationResult(
            id: id, seq: seq, status: .rejected, code: "seq_conflict",
            message: "sequence number \(seq) of this device already belongs to another mutation"
        )
    }
}
