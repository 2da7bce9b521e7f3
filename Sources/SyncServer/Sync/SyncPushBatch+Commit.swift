import Commands
import Domain
import EventStore
import Logging
import PostgresNIO
import SyncProtocol

extension SyncPushBatch {
    /// Step 4: appends every event and records every answer in one transaction.
    ///
    /// - Returns: The answers, with the positions of their events (``Committed/applied``);
    ///   ``Committed/raced`` when a stream moved since it was loaded (another instance wrote to it),
    ///   ``Committed/oneByOne`` when the batch must run one mutation at a time (it holds a value
    ///   the store refuses, or another instance recorded an answer first); nothing was written then.
    /// - Throws: ``CommandError`` `unavailable` when the database failed (nothing was written).
    func commit(
        _ decided: [Decided], appends: Appends, states: [StreamName: StreamState], identity: Identity
    ) async throws(CommandError) -> Committed {
        let streamAppends = appends.streams.map { stream in
            StreamAppend(stream: stream, expectedVersion: .exact(states[stream]?.loadedVersion ?? 0), events: appends.events[stream] ?? [])
        }
        do {
            return .applied(
                try await commands.store.transaction { tx in
                    var positions: [StreamName: [Int64]] = [:]
                    if !streamAppends.isEmpty {
                        for result in try await tx.append(streamAppends, logOrder: appends.logOrder) { positions[result.stream] = result.positions }
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
                })
        } catch is Fallback {
            return .oneByOne
        } catch let error as EventStoreError where [.versionConflict, .concurrencyConflict].contains(error.code) {
            logger.debug("pushed batch raced another writer", metadata: ["error": "\(error)"])
            for stream in appends.streams { commands.stateCache.remove(stream) }
            return .raced
        } catch let error as EventStoreError where error.code == .duplicateEventID {
            logger.debug("pushed batch raced another writer; applying it one mutation at a time", metadata: ["error": "\(error)"])
            return .oneByOne
        } catch let error as EventStoreError where error.code != .database {
            // A value of one mutation the store refuses (an event it cannot hold): one by one, that
            // mutation alone is rejected and the others apply.
            logger.debug("pushed batch holds a value the store refuses; applying it one mutation at a time", metadata: ["error": "\(error)"])
            return .oneByOne
        } catch let error as PSQLError where error.isDataException {
            logger.debug(
                "pushed batch holds a value PostgreSQL refuses; applying it one mutation at a time", metadata: ["error": "\(error.dataExceptionMessage)"])
            return .oneByOne
        } catch {
            // The commit may or may not have happened: the next load reads these streams anew.
            for stream in appends.streams { commands.stateCache.remove(stream) }
            logger.warning("push stopped by a transient failure", metadata: ["device.id": "\(identity.deviceID)", "error": "\(String(reflecting: error))"])
            throw CommandError(.unavailable, "the push could not be stored right now; retry it", underlying: error)
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
        let logged = RecordAnswersStatement.Logged(
            keys: keys, streams: applied.map { $0.stream?.rawValue ?? "" }, eventTypes: applied.map { Self.arrayLiteral($0.eventTypes) },
            positions: applied.map { Self.arrayLiteral($0.result.positions.map(String.init)) }, streamVersions: applied.map(\.streamVersion))
        let stored = RecordAnswersStatement.Answers(
            seqs: answers.map(\.result.seq), ids: answers.map(\.result.id), names: answers.map(\.mutation.name),
            statuses: answers.map(\.result.status.rawValue), positions: answers.map { Self.arrayLiteral($0.result.positions.map(String.init)) },
            eventTypes: answers.map { Self.arrayLiteral($0.eventTypes) }, codes: answers.map { $0.result.code ?? "" },
            messages: answers.map { $0.result.message ?? "" })
        let rows = try await connection.execute(RecordAnswersStatement(device, actor: actor, logged: logged, answers: stored), logger: logger)
        for try await row in rows {
            let (loggedCount, recordedCount) = try row.decode((Int64, Int64).self)
            guard loggedCount == Int64(applied.count), recordedCount == Int64(answers.count) else { throw Fallback() }
        }
    }

    /// A PostgreSQL array literal of simple elements (event type names and numbers need no escaping).
    static func arrayLiteral(_ elements: [String]) -> String {
        "{" + elements.joined(separator: ",") + "}"
    }
}
