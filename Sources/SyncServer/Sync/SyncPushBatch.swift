import Commands
import Domain
import EventStore
import Foundation
import Logging
import SyncProtocol

/// Applies a device's new mutations in one transaction: the fast path of ``SyncPushService``.
///
/// Four steps, each in its own file:
/// 1. **plan** (`+Plan`): every mutation is turned into a command first
///    (``MutationPlanner/plan(_:args:envelope:)``), or answered at once (out of order, too far
///    ahead, refused while planning);
/// 2. **load** (`+Decide`): the aggregates the commands touch are loaded in one query;
/// 3. **decide** (`+Decide`): the commands are decided in order in memory, each against the state
///    the earlier ones of the batch left (one ``StreamState`` per stream), and the personal fields
///    of their events are sealed;
/// 4. **commit** (`+Commit`): one transaction appends every event (one statement for all streams,
///    each at the version it was loaded at) and records every answer in `command_log` and
///    `sync_mutations`.
///
/// The result is the same as running the mutations one by one, as long as nobody else writes to
/// those streams meanwhile. When anything is off (a mutation that must read other aggregates, a
/// stream that moved since it was loaded, an answer another instance already recorded), the
/// transaction is rolled back and ``apply(_:identity:lastSeq:)`` returns `nil`: the caller then
/// runs the mutations one by one, which handles every race.
struct SyncPushBatch: Sendable {
    let planner: MutationPlanner
    /// The push's HTTP request id: the correlation id of the batch's events.
    let requestID: String?

    var commands: CommandService { planner.commands }
    var logger: Logger { commands.store.logger }

    /// An answer decided in memory, with the events it will append.
    struct Decided: Sendable {
        var mutation: Mutation
        var result: MutationResult
        var stream: StreamName?
        /// Indexes of the mutation's events within its stream's part of the append.
        var eventRange: Range<Int> = 0..<0
        var eventTypes: [String] = []
        var streamVersion: Int64 = 0
        /// Whether the answer is stored (a `seq_gap` refusal is not).
        var stored = true
    }

    /// A mutation that became a command of one aggregate: a step to decide in memory.
    struct PlannedStep: Sendable {
        /// Its place in ``Plan/decided``.
        var index: Int
        var step: PlannedCommand.Step
        var envelope: CommandEnvelope
    }

    /// The batch after planning: an answer slot per mutation, the steps to decide, and the
    /// device's last sequence number after the batch.
    struct Plan: Sendable {
        var decided: [Decided] = []
        var steps: [PlannedStep] = []
        var lastSeq: Int64
    }

    /// One stream's aggregate while the batch is decided.
    struct StreamState: Sendable {
        /// The aggregate's state after the batch's commands so far (the aggregate's `State`).
        var state: any Sendable
        /// The stream's version after the batch's commands so far.
        var version: Int64
        /// The version the stream was loaded at: the append expects exactly this one.
        let loadedVersion: Int64
    }

    /// The events the batch appends, in the order the append needs them.
    struct Appends: Sendable {
        /// Each stream's events, in the order the batch decided them.
        var events: [StreamName: [EventData]] = [:]
        /// The streams with events, in the order each first got one.
        var streams: [StreamName] = []
        /// One stream name per event, in the order the events were decided (the log's order).
        var logOrder: [StreamName] = []
    }

    /// Another instance recorded an answer or command-log entry of this batch first: roll back and
    /// run the batch one mutation at a time, which returns the stored answers.
    struct Fallback: Error {}

    /// How a commit ended.
    enum Committed: Sendable {
        /// Every answer, with the positions of its events.
        case applied([MutationResult])
        /// A stream moved since it was loaded (another instance wrote to it); nothing was written.
        case raced
        /// The batch must run one mutation at a time; nothing was written.
        case oneByOne
    }

    /// Attempts at a batch whose streams another instance keeps moving, before it runs one
    /// mutation at a time.
    static let attempts = 4

    /// Applies `mutations` (none of them answered before) in order, after the device's `lastSeq`.
    ///
    /// - Returns: One answer per mutation and the device's new last sequence number, or `nil`
    ///   when the batch must run one mutation at a time (nothing was written).
    /// - Throws: ``CommandError`` `unavailable` when the database failed (nothing was written).
    ///
    /// Load, decide and commit hold the batch's streams (``CommandService`` `streamLocks`, taken in
    /// name order), so batches and commands of this instance on the same streams queue instead of
    /// racing. A batch that lost a race with another instance is loaded and decided again after a
    /// jittered back-off, up to ``attempts`` times, before it runs one mutation at a time.
    func apply(_ mutations: [Mutation], identity: Identity, lastSeq: Int64) async throws(CommandError) -> (results: [MutationResult], lastSeq: Int64)? {
        guard let planned = try await plan(mutations, identity: identity, lastSeq: lastSeq) else { return nil }
        let streams = planned.steps.map(\.step.stream)
        return try await commands.streamLocks.withLocks(streams) { () async throws(CommandError) -> (results: [MutationResult], lastSeq: Int64)? in
            for attempt in 0..<Self.attempts {
                if attempt > 0 { try? await Task.sleep(for: commands.conflictBackoff.delay(retry: attempt - 1)) }
                var plan = planned
                var states: [StreamName: StreamState] = [:]
                var appends = Appends()
                if !plan.steps.isEmpty {
                    states = try await load(plan.steps)
                    appends = try decide(&plan, states: &states, identity: identity)
                    guard let sealed = try await seal(appends) else { return nil }
                    appends = sealed
                }
                switch try await commit(plan.decided, appends: appends, states: states, identity: identity) {
                case .applied(let results): return (results, plan.lastSeq)
                case .oneByOne: return nil
                case .raced: continue
                }
            }
            logger.debug("pushed batch kept racing other writers; applying it one mutation at a time")
            return nil
        }
    }

    /// The answer to a mutation the domain or the planner refused.
    func rejection(_ mutation: Mutation, _ error: CommandError, identity: Identity) -> MutationResult {
        logger.info(
            "mutation rejected",
            metadata: [
                "device.id": "\(identity.deviceID)", "mutation.id": "\(mutation.id)", "mutation.name": "\(mutation.name)", "code": "\(error.code)",
                "hb.request.id": "\(requestID ?? "")",
            ])
        return MutationResult(id: mutation.id, seq: mutation.seq, status: .rejected, code: error.code.rawValue, message: error.message)
    }
}
