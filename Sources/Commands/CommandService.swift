import Basics
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
    /// Commands of one stream run one at a time in this instance (shared by every copy).
    package let streamLocks: StreamLocks
    /// Recently loaded aggregate states, so a busy stream is not replayed from its start for every
    /// command (shared by every copy; a hint only, see ``AggregateStateCache``).
    package let stateCache: AggregateStateCache
    /// The wait before retrying a command that lost a race with another instance.
    package let conflictBackoff: Backoff

    /// Creates a service.
    /// - Parameters:
    ///   - store: The event store.
    ///   - maxAttempts: Attempts per command when the stream changes between load and append.
    ///   - passwordCost: bcrypt cost for new passwords.
    ///   - passwords: Where bcrypt runs: ``PasswordHasher/inline`` (the default) hashes on the
    ///     calling task, which suits tools; servers pass a hasher with its own threads.
    ///   - streamPatience: The longest a command waits behind the other commands of its stream in
    ///     this instance before it is refused `contention` (default 10 s).
    ///   - cachedStates: The most aggregate states kept in memory between commands (0: none).
    ///   - now: The clock commands are decided against.
    public init(
        store: EventStore, maxAttempts: Int = 5, passwordCost: Int = 10, passwords: PasswordHasher = .inline,
        streamPatience: Duration = .seconds(10), cachedStates: Int = 10_000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.maxAttempts = max(1, maxAttempts)
        self.passwordCost = passwordCost
        self.passwords = passwords
        self.streamLocks = StreamLocks(patience: streamPatience)
        self.stateCache = AggregateStateCache(capacity: cachedStates)
        self.conflictBackoff = Backoff(base: .milliseconds(2), cap: .milliseconds(200), jitter: .full)
        self.now = now
    }

    /// Loads an aggregate's current state and stream version.
    ///
    /// A state in ``stateCache`` is brought up to date with the events after its version only. A
    /// stream that holds sealed personal data (a user's, a todo marked personal) is always read
    /// whole and never cached: no opened plaintext stays in memory, and an erasure needs no cache
    /// clean-up.
    public func load<A: Aggregate>(_ aggregate: A.Type, id: A.ID) async throws(CommandError) -> (state: A.State, version: Int64) {
        let stream = try streamName(aggregate, id: id)
        let cached = stateCache.entry(for: stream)
        let recorded: [RecordedEvent]
        do {
            if let cached {
                recorded = try await store.readAll(stream: stream, from: cached.version + 1)
            } else {
                recorded = try await store.readAll(stream: stream)
            }
        } catch {
            throw CommandError(error)
        }
        return try await resumeState(of: stream, cached: cached, recorded: recorded) { initial, events throws(CommandError) in
            try fold(aggregate, events, stream: stream, from: initial)
        }
    }

    /// The state and version of `stream` from `recorded`: the events after `cached`'s version, or
    /// the whole stream without an entry. Shared by ``load(_:id:)`` and the push's batch load,
    /// which reads many streams in one query.
    ///
    /// An entry whose state is of another type, that the events do not follow exactly, or whose
    /// new events hold an envelope is dropped and the stream is read whole. A stream that holds
    /// envelopes is opened (``revealPersonalFields(_:)``: `decide` sees personal fields in clear or
    /// erased) and never cached; any other state is cached at its version.
    package func resumeState<State: Sendable>(
        of stream: StreamName, cached: AggregateStateCache.Entry?, recorded: [RecordedEvent],
        fold: (_ initial: State?, _ events: [RecordedEvent]) throws(CommandError) -> State
    ) async throws(CommandError) -> (state: State, version: Int64) {
        var events = recorded
        var entry = cached
        var initial: State?
        if let stale = entry {
            if let state = stale.state as? State, events.first.map({ $0.streamVersion == stale.version + 1 }) ?? true, !holdsEnvelopes(events) {
                initial = state
            } else {
                stateCache.remove(stream)
                entry = nil
                do {
                    events = try await store.readAll(stream: stream)
                } catch {
                    throw CommandError(error)
                }
            }
        }
        let sealed = entry == nil && holdsEnvelopes(events)
        if sealed { events = try await revealPersonalFields(events) }
        let state = try fold(initial, events)
        let version = events.last?.streamVersion ?? entry?.version ?? 0
        if !sealed, version > 0, entry == nil || !events.isEmpty {
            stateCache.store(AggregateStateCache.Entry(state: state, version: version), for: stream)
        }
        return (state, version)
    }

    /// Folds a stream's recorded events into the aggregate's state, starting from `initial` (the
    /// state before the first of them; `nil`: the aggregate's initial state).
    ///
    /// - Throws: ``CommandError`` `unavailable` when an event does not decode with this build.
    package func fold<A: Aggregate>(
        _ aggregate: A.Type, _ recorded: [RecordedEvent], stream: StreamName, from initial: A.State? = nil
    ) throws(CommandError) -> A.State {
        var state = initial ?? A.initialState
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
        // Commands of one stream queue here instead of racing (and retrying) each other.
        return try await streamLocks.withLocks([stream]) { () async throws(CommandError) -> CommandOutcome in
            try await decideAndCommit(
                aggregate, id: id, stream: stream, command: command, envelope: envelope, claims: claims, alsoInTransaction: alsoInTransaction,
                invariant: invariant)
        }
    }

    /// The body of ``execute(_:id:command:envelope:claims:alsoInTransaction:invariant:)`` while it
    /// holds its stream: load, decide, append at the version read; a lost race (another instance)
    /// drops the cached state and retries after a jittered back-off.
    private func decideAndCommit<A: Aggregate>(
        _ aggregate: A.Type, id: A.ID, stream: StreamName, command: A.Command, envelope: CommandEnvelope,
        claims: @Sendable (A.State) -> [UniqueClaim],
        alsoInTransaction: (@Sendable (PostgresConnection) async throws -> Void)?,
        invariant: (@Sendable (_ before: A.State, _ after: A.State, PostgresConnection) async throws -> Void)?
    ) async throws(CommandError) -> CommandOutcome {
        for attempt in 1...maxAttempts {
            if attempt > 1 {
                // Writers of other instances racing on one stream: spread the retries so one of
                // them wins each round.
                try? await Task.sleep(for: conflictBackoff.delay(retry: attempt - 2))
            }
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
                stateCache.remove(stream)
                continue
            } catch let error as CommandError {
                throw error
            } catch let error as EventStoreError {
                stateCache.remove(stream)
                throw CommandError(error)
            } catch let error as PSQLError where error.isDataException {
                throw CommandError.dataException(error)
            } catch is ReplayPending {
                if let key = envelope.idempotencyKey, let stored = try await storedOutcome(key: key, stream: stream) {
                    return stored
                }
                continue
            } catch {
                // The append may or may not have committed: the next load reads the stream anew.
                stateCache.remove(stream)
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
