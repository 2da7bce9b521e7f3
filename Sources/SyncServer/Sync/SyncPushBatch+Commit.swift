import Commands
import Domain
import EventStore
import Logging
import PostgresNIO
import SyncProtocol

extension SyncPushBatch {
    /// Step 4: appends every event and records every answer in one transaction.
    ///
    /// - Returns: The answers, with the positions of their events; `nil` when the batch must run
    ///   one mutation at a time (it raced another writer, holds a value the store refuses, or
    ///   another instance recorded an answer first); nothing was written then.
    /// - Throws: ``CommandError`` `unavailable` when the database failed (nothing was written).
    func commit(
        _ decided: [Decided], appends: Appends, states: [StreamName: StreamState], identity: Identity
    ) async throws(CommandError) -> [MutationResult]? {
        let streamAppends = appends.streams.map { stream in
            StreamAppend(stream: stream, expectedVersion: .exact(states[stream]?.loadedVersion ?? 0), events: appends.events[stream] ?? [])
        }
        do {
            return try await commands.store.transaction { tx in
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
            }
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
            logger.debug(
                "pushed batch holds a value PostgreSQL refuses; applying it one mutation at a time", metadata: ["error": "\(error.dataExceptionMessage)"])
            return nil
        } catch {
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

    /// A PostgreSQL array literal of simple elements (event type names and numbers need no escaping).
    static func arrayLiteral(_ elements: [String]) -> String {
        "{" + elements.joined(separator: ",") + "}"
    }
}
