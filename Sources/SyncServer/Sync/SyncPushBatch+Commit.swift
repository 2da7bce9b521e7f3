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
        _ decided: [Decided], appends: Appends, states: [StreamName: StreamState], parts: [Part]
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
                    try await record(answers, parts: parts, connection: tx.connection)
                    return answers
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
            logger.warning(
                "push stopped by a transient failure",
                metadata: ["device.id": "\(parts.map { "\($0.identity.deviceID)" }.joined(separator: ","))", "error": "\(String(reflecting: error))"])
            throw CommandError(.unavailable, "the push could not be stored right now; retry it", underlying: error)
        }
    }

    /// Records every answer, and the command log entry of every applied mutation, in one statement.
    ///
    /// - Throws: ``Fallback`` when another instance recorded one of them first.
    private func record(_ decided: [Decided], parts: [Part], connection: PostgresConnection) async throws {
        var logged = RecordAnswersStatement.Logged()
        var stored = RecordAnswersStatement.Answers()
        for answer in decided where answer.stored {
            let identity = parts[answer.part].identity
            let device = SyncDevice(identity)
            let positions = Self.arrayLiteral(answer.result.positions.map(String.init))
            let eventTypes = Self.arrayLiteral(answer.eventTypes)
            if answer.result.status == .applied {
                logged.keys.append(SyncPushService.idempotencyKey(device: device, mutation: answer.mutation.id))
                logged.actors.append(identity.principal.userID?.description ?? identity.principal.kind.rawValue)
                logged.streams.append(answer.stream?.rawValue ?? "")
                logged.eventTypes.append(eventTypes)
                logged.positions.append(positions)
                logged.streamVersions.append(answer.streamVersion)
            }
            stored.tenants.append(device.tenantID.rawValue)
            stored.devices.append(device.deviceID.rawValue)
            stored.users.append(device.userID.rawValue)
            stored.seqs.append(answer.result.seq)
            stored.ids.append(answer.result.id)
            stored.names.append(answer.mutation.name)
            stored.statuses.append(answer.result.status.rawValue)
            stored.positions.append(positions)
            stored.eventTypes.append(eventTypes)
            stored.codes.append(answer.result.code ?? "")
            stored.messages.append(answer.result.message ?? "")
        }
        let rows = try await connection.execute(RecordAnswersStatement(logged: logged, answers: stored), logger: logger)
        for try await row in rows {
            let (loggedCount, recordedCount) = try row.decode((Int64, Int64).self)
            guard loggedCount == Int64(logged.keys.count), recordedCount == Int64(stored.seqs.count) else { throw Fallback() }
        }
    }

    /// A PostgreSQL array literal of simple elements (event type names and numbers need no escaping).
    static func arrayLiteral(_ elements: [String]) -> String {
        "{" + elements.joined(separator: ",") + "}"
    }
}
