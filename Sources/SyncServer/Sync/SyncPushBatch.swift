import Commands
import Domain
import EventStore
import Foundation
import Logging
import SyncProtocol

/// Applies the new mutations of one or more pushes in one transaction: the fast path of
/// ``SyncPushService``.
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
/// The pushes of a batch (its ``Part``s) come from different devices (``PushCombiner``); each
/// part's mutations are decided in its own sequence order, each with its own principal, and a
/// refused mutation is answered alone: it never changes another mutation's answer. The result is
/// the same as running the mutations one by one, as long as nobody else writes to those streams
/// meanwhile. When anything is off (a stream that moved since it was loaded, an answer another
/// instance already recorded, a value the store refuses), the transaction is rolled back and
/// ``apply(_:)`` answers `nil` for every part: the caller then runs each part on its own, and one
/// mutation at a time when that fails too, which handles every race.
struct SyncPushBatch: Sendable {
    let planner: MutationPlanner

    var commands: CommandService { planner.commands }
    var logger: Logger { commands.store.logger }

    /// One device's new mutations (none of them answered before), after its last answered number.
    struct Part: Sendable {
        var identity: Identity
        var mutations: [Mutation]
        var lastSeq: Int64
        /// The push's HTTP request id: the correlation id of the part's events.
        var requestID: String?
    }

    /// A part's answers and the device's new last sequence number.
    typealias Applied = (results: [MutationResult], lastSeq: Int64)

    /// An answer decided in memory, with the events it will append.
    struct Decided: Sendable {
        /// The ``Part`` the mutation belongs to (its index in the batch).
        var part: Int
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

    /// The batch after planning: an answer slot per mutation, the steps to decide, and each
    /// planned part's device's last sequence number after the batch.
    struct Plan: Sendable {
        var decided: [Decided] = []
        var steps: [PlannedStep] = []
        /// By part index; only the parts in the plan (see ``Plan/parts``).
        var lastSeqs: [Int: Int64] = [:]
        /// The parts planned, in order; a part that must run on its own is left out.
        var parts: [Int] = []
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
        case applied([Decided])
        /// A stream moved since it was loaded (another instance wrote to it); nothing was written.
        case raced
        /// The batch must run one mutation at a time; nothing was written.
        case oneByOne
    }

    /// Attempts at a batch whose streams another instance keeps moving, before it runs one
    /// mutation at a time.
    static let attempts = 4

    /// Applies `parts` in one transaction.
    ///
    /// - Returns: One entry per part: its answers and the device's new last sequence number, or
    ///   `nil` when the part must run on its own (alone, then one mutation at a time); nothing of
    ///   a `nil` part was written.
    /// - Throws: ``CommandError`` `unavailable` when the database failed (nothing was written).
    ///
    /// Load, decide and commit hold the batch's streams (``CommandService`` `streamLocks`, taken in
    /// name order), so batches and commands of this instance on the same streams queue instead of
    /// racing. A batch that lost a race with another instance is loaded and decided again after a
    /// jittered back-off, up to ``attempts`` times, before its parts run on their own.
    func apply(_ parts: [Part]) async throws(CommandError) -> [Applied?] {
        let planned = try await plan(parts)
        var outcome: [Applied?] = parts.map { _ in nil }
        guard !planned.parts.isEmpty else { return outcome }
        let streams = planned.steps.map(\.step.stream)
        let decided = try await commands.streamLocks.withLocks(streams) { () async throws(CommandError) -> [Decided]? in
            for attempt in 0..<Self.attempts {
                if attempt > 0 { try? await Task.sleep(for: commands.conflictBackoff.delay(retry: attempt - 1)) }
                var plan = planned
                var states: [StreamName: StreamState] = [:]
                var appends = Appends()
                if !plan.steps.isEmpty {
                    states = try await load(plan.steps)
                    appends = try decide(&plan, states: &states, parts: parts)
                    guard let sealed = try await seal(appends) else { return nil }
                    appends = sealed
                }
                switch try await commit(plan.decided, appends: appends, states: states, parts: parts) {
                case .applied(let decided): return decided
                case .oneByOne: return nil
                case .raced: continue
                }
            }
            logger.debug("pushed batch kept racing other writers; applying its parts on their own")
            return nil
        }
        guard let decided else { return outcome }
        for index in planned.parts {
            let results = decided.filter { $0.part == index }.map(\.result)
            outcome[index] = (results, planned.lastSeqs[index] ?? parts[index].lastSeq)
        }
        return outcome
    }

    /// The answer to a mutation the domain or the planner refused (logged).
    func rejection(_ mutation: Mutation, _ error: CommandError, part: Part) -> MutationResult {
        SyncPushService.rejection(mutation, error, deviceID: part.identity.deviceID, requestID: part.requestID, logger: logger)
    }
}
