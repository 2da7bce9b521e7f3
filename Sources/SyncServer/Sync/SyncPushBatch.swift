import Commands
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import SyncProtocol

/// Applies a device's new mutations in one transaction: the fast path of ``SyncPushService``.
///
/// Every mutation is turned into a command first (``MutationPlanner/plan(_:args:envelope:)``);
/// the aggregates they touch are loaded in one query; the commands are decided in order in memory,
/// each against the state the earlier ones of the batch left; then one transaction appends every
/// event (one statement for all streams, each at the version it was loaded at) and records every
/// answer in `command_log` and `sync_mutations`.
///
/// The result is the same as running the mutations one by one, as long as nobody else writes to
/// those streams meanwhile. When anything is off (a mutation that must read other aggregates, a
/// stream that moved since it was loaded, an answer another instance already recorded), the
/// transaction is rolled back and ``apply(_:identity:lastSeq:)`` returns `nil`: the caller then
/// runs the mutations one by one, which handles every race.
struct SyncPushBatch: Sendable {
    let planner: MutationPlanner

    var commands: CommandService { planner.commands }
    var logger: Logger { commands.store.logger }

    /// An answer decided in memory, with the events it will append.
    private struct Decided {
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

    /// Another instance recorded an answer or command-log entry of this batch first: roll back and
    /// run the batch one mutation at a time, which returns the stored answers.
    private struct Fallback: Error {}

    /// Applies `mutations` (none of them answered before) in order, after the device's `lastSeq`.
    ///
    /// - Returns: One answer per mutation and the device's new last sequence number, or `nil`
    ///   when the batch must run one mutation at a time (nothing was written).
    /// - Throws: ``CommandError`` `unavailable` when the database failed (nothing was written).
    func apply(_ mutations: [Mutation], identity: Identity, lastSeq: Int64) async throws(CommandError) -> (results: [MutationResult], lastSeq: Int64)? {
        var decided: [Decided] = []
        var planned: [(index: Int, step: PlannedCommand.Step, envelope: CommandEnvelope)] = []
        var last = lastSeq
        for mutation in mutations {
            if SyncPushService.isTooFarAhead(mutation.seq, after: last) {
                // Not recorded, and the device's last number stays: the device is never wedged.
                decided.append(Decided(mutation: mutation, result: SyncPushService.seqGap(mutation, after: last), stored: false))
                continue
            }
            defer { last = max(last, mutation.seq) }
            if mutation.seq <= last {
                decided.append(Decided(mutation: mutation, result: SyncPushService.outOfOrder(mutation, after: last)))
                continue
            }
            let envelope = SyncPushService.envelope(for: mutation, identity: identity)
            do throws(CommandError) {
                guard let step = try await planner.plan(mutation.name, args: mutation.args, envelope: envelope).step else { return nil }
                planned.append((decided.count, step, envelope))
                decided.append(Decided(mutation: mutation, result: MutationResult(id: mutation.id, seq: mutation.seq, status: .applied), stream: step.stream))
            } catch where error.code == .unavailable {
                throw error
            } catch {
                decided.append(Decided(mutation: mutation, result: rejection(mutation, error, identity: identity)))
            }
        }

        // Load every aggregate once, then decide in order against the evolving states.
        var states: [StreamName: (state: any Sendable, version: Int64, loaded: Int64)] = [:]
        var events: [StreamName: [EventData]] = [:]
        var order: [StreamName] = []
        var logOrder: [StreamName] = []
        if !planned.isEmpty {
            let streams = Array(Set(planned.map(\.step.stream)))
            let recorded: [StreamName: [RecordedEvent]]
            do {
                recorded = try await commands.store.readAll(streams: streams)
            } catch {
                throw CommandError(error)
            }
            let now = commands.now()
            for (index, step, envelope) in planned {
                if states[step.stream] == nil {
                    let history = recorded[step.stream] ?? []
                    let version = history.last?.streamVersion ?? 0
                    states[step.stream] = (try step.fold(commands, history), version, version)
                }
                guard let current = states[step.stream] else { continue }
                let context = CommandContext(principal: envelope.principal, now: now, deviceID: envelope.deviceID)
                do throws(CommandError) {
                    let (state, new) = try step.decide(commands, current.state, context, envelope)
                    if events[step.stream] == nil, !new.isEmpty { order.append(step.stream) }
                    let start = events[step.stream, default: []].count
                    if !new.isEmpty { events[step.stream, default: []].append(contentsOf: new) }
                    logOrder += Array(repeating: step.stream, count: new.count)
                    let version = current.version + Int64(new.count)
                    states[step.stream] = (state, version, current.loaded)
                    decided[index].eventRange = start..<(start + new.count)
                    decided[index].eventTypes = new.map(\.type)
                    decided[index].streamVersion = version
                } catch where error.code == .unavailable {
                    throw error
                } catch {
                    decided[index].result = rejection(decided[index].mutation, error, identity: identity)
                    decided[index].stream = nil
                }
            }
        }

        let appends = order.map { stream in
            StreamAppend(stream: stream, expectedVersion: .exact(states[stream]?.loaded ?? 0), events: events[stream] ?? [])
        }
        do {
            let answered = try await commands.store.transaction { tx in
                var positions: [StreamName: [Int64]] = [:]
                if !appends.isEmpty {
                    for result in try await tx.append(appends, logOrder: logOrder) { positions[result.stream] = result.positions }
                }
                var answers = decided
                for index in answers.indices {
                    guard let stream = answers[index].stream, answers[index].result.status == .applied else { continue }
                    // The store answers one position per event; should it ever not, the batch runs
                    // one mutation at a time instead of trapping or storing a wrong answer.
                    let all = positions[stream] ?? []
                    let range = answers[index].eventRange
                    guard range.lowerBound >= 0, range.upperBound <= all.count else { throw Fallback() }
                    answers[index].result.positions = Array(all[range])
                }
                try await record(answers, identity: identity, connection: tx.connection)
                return answers.map(\.result)
            }
            return (answered, last)
        } catch is Fallback {
            return nil
        } catch let error as EventStoreError where [.versionConflict, .concurrencyConflict, .duplicateEventID].contains(error.code) {
            logger.debug("pushed batch raced another writer; applying it one mutation at a time", metadata: ["error": "\(error)"])
            return nil
        } catch let error as EventStoreError where error.code != .database {
            // A value of one mutation the store refuses (an event it cannot hold): one by one, that
            // mutation alone is rejected and the others apply.
            logger.debug("pushed batch holds a value the store refuses; applying it one mutation at a time", metadata: ["error": "\(error)"])
            return nil
        } catch let error as PSQLError where error.isDataException {
            logger.debug("pushed batch holds a value PostgreSQL refuses; applying it one mutation at a time", metadata: ["error": "\(error.dataExceptionMessage)"])
            return nil
        } catch {
            logger.warning("push stopped by a transient failure", metadata: ["device.id": "\(identity.deviceID)", "error": "\(String(reflecting: error))"])
            throw CommandError(.unavailable, "the push could not be stored right now; retry it")
        }
    }

    /// Records every answer, and the command log entry of every applied mutation, in one statement.
    ///
    /// - Throws: ``Fallback`` when another instance recorded one of them first.
    private func record(_ decided: [Decided], identity: Identity, connection: PostgresConnection) async throws {
        let answers = decided.filter(\.stored)
        let applied = answers.filter { $0.result.status == .applied }
        let device = SyncDevice(identity)
        let keys = applied.map { SyncPushService.idempotencyKey(device: device, mutation: $0.mutation.id) }
        let actor = identity.principal.userID?.description ?? identity.principal.kind.rawValue
        let rows = try await connection.query(
            """
            WITH logged AS (
                INSERT INTO command_log (idempotency_key, actor, stream, event_types, positions, stream_version)
                SELECT key, \(actor), stream, event_types::text[], positions::int8[], stream_version
                FROM unnest(\(keys)::text[], \(applied.map { $0.stream?.rawValue ?? "" })::text[],
                            \(applied.map { Self.arrayLiteral($0.eventTypes) })::text[],
                            \(applied.map { Self.arrayLiteral($0.result.positions.map(String.init)) })::text[],
                            \(applied.map(\.streamVersion))::int8[]) AS c(key, stream, event_types, positions, stream_version)
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING 1
            ), recorded AS (
                INSERT INTO sync_mutations (tenant_id, device_id, seq, mutation_id, user_id, name, status, positions, event_types, code, message, transaction_id, last_position)
                SELECT \(device.tenantID.rawValue), \(device.deviceID.rawValue), seq, mutation_id, \(device.userID.rawValue), name, status,
                       positions::int8[], event_types::text[], NULLIF(code, ''), NULLIF(message, ''),
                       CASE WHEN positions = '{}' THEN NULL ELSE pg_current_xact_id() END,
                       (SELECT max(p) FROM unnest(positions::int8[]) AS p)
                FROM unnest(\(answers.map(\.result.seq))::int8[], \(answers.map(\.result.id))::text[], \(answers.map(\.mutation.name))::text[],
                            \(answers.map(\.result.status.rawValue))::text[],
                            \(answers.map { Self.arrayLiteral($0.result.positions.map(String.init)) })::text[],
                            \(answers.map { Self.arrayLiteral($0.eventTypes) })::text[],
                            \(answers.map { $0.result.code ?? "" })::text[], \(answers.map { $0.result.message ?? "" })::text[])
                    AS a(seq, mutation_id, name, status, positions, event_types, code, message)
                ON CONFLICT DO NOTHING
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM logged)::int8, (SELECT count(*) FROM recorded)::int8
            """,
            logger: logger
        )
        for try await (logged, recorded) in rows.decode((Int64, Int64).self) {
            guard logged == Int64(applied.count), recorded == Int64(answers.count) else { throw Fallback() }
        }
    }

    private func rejection(_ mutation: Mutation, _ error: CommandError, identity: Identity) -> MutationResult {
        logger.info("mutation rejected", metadata: [
            "device.id": "\(identity.deviceID)", "mutation.id": "\(mutation.id)", "mutation.name": "\(mutation.name)", "code": "\(error.code)",
        ])
        return MutationResult(id: mutation.id, seq: mutation.seq, status: .rejected, code: error.code.rawValue, message: error.message)
    }

    /// A PostgreSQL array literal of simple elements (event type names and numbers need no escaping).
    static func arrayLiteral(_ elements: [String]) -> String {
        "{" + elements.joined(separator: ",") + "}"
    }
}
