import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import Privacy

/// Carries out commands: loads the aggregate's stream, lets the domain decide, and appends the
/// events at the version it read, retrying a bounded number of times when another writer got there
/// first. The only way domain data changes.
public struct CommandService: Sendable {
    /// The event store.
    public let store: EventStore
    /// Attempts per command when the stream changes between load and append.
    public let maxAttempts: Int
    /// The clock commands are decided against.
    public let now: @Sendable () -> Date
    /// bcrypt cost for new passwords.
    public let passwordCost: Int
    /// Where passwords are hashed and checked (a server passes one with its own thread pool).
    public let passwords: PasswordHasher

    /// Creates a service.
    /// - Parameters:
    ///   - store: The event store.
    ///   - maxAttempts: Attempts per command when the stream changes between load and append.
    ///   - passwordCost: bcrypt cost for new passwords.
    ///   - passwords: Where bcrypt runs: ``PasswordHasher/inline`` (the default) hashes on the
    ///     calling task, which suits tools; servers pass a hasher with its own threads.
    ///   - now: The clock commands are decided against.
    public init(
        store: EventStore, maxAttempts: Int = 5, passwordCost: Int = 10, passwords: PasswordHasher = .inline,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.maxAttempts = max(1, maxAttempts)
        self.passwordCost = passwordCost
        self.passwords = passwords
        self.now = now
    }

    /// Loads an aggregate's current state and stream version.
    public func load<A: Aggregate>(_ aggregate: A.Type, id: A.ID) async throws(CommandError) -> (state: A.State, version: Int64) {
        let stream = try streamName(aggregate, id: id)
        var recorded: [RecordedEvent]
        do {
            recorded = try await store.readAll(stream: stream)
        } catch {
            throw CommandError(error)
        }
        // `decide` sees personal fields in clear (or erased): only streams that hold envelopes
        // read the key table.
        do {
            recorded = try await personalDataKeys.reveal(recorded, rules: A.Event.personalFields)
        } catch {
            throw CommandError(error)
        }
        let state = try fold(aggregate, recorded, stream: stream)
        return (state, recorded.last?.streamVersion ?? 0)
    }

    /// Folds a stream's recorded events into the aggregate's state.
    ///
    /// - Throws: ``CommandError`` `unavailable` when an event does not decode with this build.
    package func fold<A: Aggregate>(_ aggregate: A.Type, _ recorded: [RecordedEvent], stream: StreamName) throws(CommandError) -> A.State {
        var state = A.initialState
        for event in recorded {
            do {
                state = A.evolve(state, try A.Event.decode(eventType: event.type, schemaVersion: event.schemaVersion, data: event.data))
            } catch {
                store.logger.error(
                    "stored event does not decode",
                    metadata: [
                        "stream.id": "\(stream)", "event.position": "\(event.position)", "event.type": "\(event.type)",
                    ])
                throw CommandError(.unavailable, "stream '\(stream)' holds an event this build cannot read", underlying: error)
            }
        }
        return state
    }

    /// Decides `command` against the current state of aggregate `id` and appends the resulting events.
    ///
    /// - Parameters:
    ///   - aggregate: The aggregate type.
    ///   - id: The aggregate's id.
    ///   - command: The command.
    ///   - envelope: Who sends it, and its idempotency key.
    ///   - claims: Unique values the command needs, given the state it was decided on; reserved in
    ///     the same transaction as the events.
    ///   - alsoInTransaction: Work that must commit with the command's events or not at all (such as
    ///     recording a push outcome); it runs on the transaction's connection after the append, also
    ///     when the command decides no events.
    ///   - invariant: A check of a rule across streams, given the aggregate's state before and after
    ///     the command; it runs on the transaction's connection after the append and refuses the
    ///     command (rolling everything back) by throwing a ``CommandError``.
    /// - Returns: What was appended (or the stored answer of an earlier command with the same key).
    /// - Throws: ``CommandError`` with the domain's refusal code, `already_exists` for a taken unique
    ///   value, `conflict` for a reused idempotency key, `contention` or `unavailable`.
    @discardableResult
    public func execute<A: Aggregate>(
        _ aggregate: A.Type,
        id: A.ID,
        command: A.Command,
        envelope: CommandEnvelope,
        claims: @Sendable (A.State) -> [UniqueClaim] = { _ in [] },
        alsoInTransaction: (@Sendable (PostgresConnection) async throws -> Void)? = nil,
        invariant: (@Sendable (_ before: A.State, _ after: A.State, PostgresConnection) async throws -> Void)? = nil
    ) async throws(CommandError) -> CommandOutcome {
        let stream = try streamName(aggregate, id: id)
        // A pushed mutation's answer is recorded in the same transaction as its events, and the
        // push looked there first: a key it did not find was never committed.
        if envelope.mutation == nil, let key = envelope.idempotencyKey, let stored = try await storedOutcome(key: key, stream: stream) {
            return stored
        }
        for attempt in 1...maxAttempts {
            let (state, version) = try await load(aggregate, id: id)
            let context = CommandContext(principal: envelope.principal, now: now(), deviceID: envelope.deviceID)
            let events: [A.Event]
            do {
                events = try A.decide(command, state: state, context: context)
            } catch {
                throw CommandError(error)
            }
            let data = try await sealPersonalFields(try encode(events, envelope: envelope), of: A.Event.self, stream: stream)
            let wanted = events.isEmpty ? [] : claims(state)
            var also = alsoInTransaction
            if let invariant, !events.isEmpty {
                let after = events.reduce(state, A.evolve)
                also = { connection in
                    try await invariant(state, after, connection)
                    try await alsoInTransaction?(connection)
                }
            }
            do {
                return try await commit(stream: stream, version: version, events: data, envelope: envelope, claims: wanted, also: also)
            } catch let error as EventStoreError where error.code == .versionConflict || error.code == .concurrencyConflict {
                store.logger.debug("command lost a race; retrying", metadata: ["stream.id": "\(stream)", "command.attempt": "\(attempt)"])
                // Writers racing on one stream: spread the retries so one of them wins each round.
                if attempt > 1 { try? await Task.sleep(for: .microseconds(Int.random(in: 0...(1000 * attempt)))) }
                continue
            } catch let error as CommandError {
                throw error
            } catch let error as EventStoreError {
                throw CommandError(error)
            } catch let error as PSQLError where error.isDataException {
                throw CommandError.dataException(error)
            } catch is ReplayPending {
                if let key = envelope.idempotencyKey, let stored = try await storedOutcome(key: key, stream: stream) {
                    return stored
                }
                continue
            } catch {
                store.logger.error("command failed", metadata: ["stream.id": "\(stream)", "error": "\(String(reflecting: error))"])
                throw CommandError(.unavailable, "the command could not be stored right now; retry it", underlying: error)
            }
        }
        throw CommandError(.contention, "'\(stream)' kept changing while the command ran; retry it")
    }

    /// Appends at `version`, reserves claims and records the idempotency key in one transaction.
    private func commit(
        stream: StreamName, version: Int64, events: [EventData], envelope: CommandEnvelope, claims: [UniqueClaim],
        also: (@Sendable (PostgresConnection) async throws -> Void)?
    ) async throws -> CommandOutcome {
        let logger = store.logger
        return try await store.transaction { tx in
            for claim in claims {
                do {
                    try await tx.connection.query(
                        "INSERT INTO unique_claims (scope, value, stream) VALUES (\(claim.scope), \(claim.value), \(stream.rawValue))",
                        logger: logger
                    )
                } catch let error as PSQLError where error.sqlState == .uniqueViolation {
                    throw CommandError(.alreadyExists, claim.takenMessage)
                }
            }
            var outcome = CommandOutcome(stream: stream.rawValue, eventTypes: events.map(\.type), positions: [], streamVersion: version, replayed: false)
            if !events.isEmpty {
                let result = try await tx.append(to: stream, expected: .exact(version), events: events)
                outcome.positions = result.positions
                outcome.streamVersion = result.streamVersion
            }
            if let key = envelope.idempotencyKey {
                let rows: PostgresRowSequence
                if let mutation = envelope.mutation {
                    rows = try await tx.connection.query(
                        """
                        WITH logged AS (
                            INSERT INTO command_log (idempotency_key, actor, stream, event_types, positions, stream_version)
                            VALUES (\(key), \(envelope.actorID), \(stream.rawValue), \(outcome.eventTypes), \(outcome.positions), \(outcome.streamVersion))
                            ON CONFLICT (idempotency_key) DO NOTHING
                            RETURNING 1
                        ), recorded AS (
                            INSERT INTO sync_mutations (tenant_id, device_id, seq, mutation_id, user_id, name, status, positions, event_types, transaction_id, last_position)
                            SELECT \(mutation.tenantID), \(mutation.deviceID), \(mutation.seq), \(mutation.id), \(mutation.userID), \(mutation.name), 'applied',
                                   \(outcome.positions), \(outcome.eventTypes),
                                   CASE WHEN \(outcome.positions.isEmpty) THEN NULL ELSE pg_current_xact_id() END, \(outcome.positions.max())
                            WHERE EXISTS (SELECT 1 FROM logged)
                            ON CONFLICT DO NOTHING
                        )
                        SELECT 1 FROM logged
                        """,
                        logger: logger
                    )
                } else {
                    rows = try await tx.connection.query(
                        """
                        INSERT INTO command_log (idempotency_key, actor, stream, event_types, positions, stream_version)
                        VALUES (\(key), \(envelope.actorID), \(stream.rawValue), \(outcome.eventTypes), \(outcome.positions), \(outcome.streamVersion))
                        ON CONFLICT (idempotency_key) DO NOTHING
                        RETURNING 1
                        """,
                        logger: logger
                    )
                }
                var inserted = false
                for try await _ in rows { inserted = true }
                if !inserted {
                    // A concurrent retry of the same command committed first: undo ours, answer with theirs.
                    throw ReplayPending()
                }
            }
            if let also { try await also(tx.connection) }
            return outcome
        }
    }

    /// The stored answer to an earlier command with `key`, if any.
    package func storedOutcome(key: String, stream: StreamName) async throws(CommandError) -> CommandOutcome? {
        guard !key.isEmpty, key.utf8.count <= 200 else {
            throw CommandError(.invalid, "an idempotency key must be 1-200 characters")
        }
        do {
            let rows = try await store.client.query(
                "SELECT stream, event_types, positions, stream_version FROM command_log WHERE idempotency_key = \(key)",
                logger: store.logger
            )
            for try await (storedStream, types, positions, version) in rows.decode((String, [String], [Int64], Int64).self) {
                guard storedStream == stream.rawValue else { throw CommandError.keyReused(key) }
                return CommandOutcome(stream: storedStream, eventTypes: types, positions: positions, streamVersion: version, replayed: true)
            }
            return nil
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError(.unavailable, "the command log could not be read; retry", underlying: error)
        }
    }

    package func streamName<A: Aggregate>(_ aggregate: A.Type, id: A.ID) throws(CommandError) -> StreamName {
        do {
            return try StreamName(A.streamName(for: id))
        } catch {
            throw CommandError(.invalid, error.message)
        }
    }

    package func encode<Event: DomainEvent>(_ events: [Event], envelope: CommandEnvelope) throws(CommandError) -> [EventData] {
        var result: [EventData] = []
        for event in events {
            do {
                let tenant = (try? event.tenantIDFromPayload())?.description ?? envelope.principal.tenantID?.description
                result.append(
                    EventData(
                        type: event.eventType,
                        schemaVersion: event.schemaVersion,
                        data: try event.encodedData(),
                        metadata: EventMetadata(
                            tenantID: tenant, actorID: envelope.actorID, deviceID: envelope.deviceID?.description,
                            mutationID: envelope.idempotencyKey, correlationID: envelope.correlationID, causationID: envelope.causationID
                        )
                    ))
            } catch {
                throw CommandError(.invalid, "event \(event.eventType) could not be encoded")
            }
        }
        return result
    }
}

/// A concurrent command with the same idempotency key committed first.
struct ReplayPending: Error {}
