import Foundation
import PostgresNIO

extension EventStore {
    /// Appends events to one stream, atomically.
    ///
    /// Re-appending events whose ids are all stored already returns the original result
    /// (``AppendResult/wasAlreadyStored`` is `true`) and writes nothing.
    ///
    /// Concurrent calls may share one statement and one commit (see
    /// ``EventStoreConfiguration/appendStatements``); each append still succeeds or fails on its own.
    ///
    /// - Parameters:
    ///   - stream: The stream to append to.
    ///   - expected: The version the stream must be at.
    ///   - events: The events, in order; at least one.
    /// - Returns: The positions and the new stream version.
    /// - Throws: ``EventStoreError`` with `versionConflict` (naming the stream, the expected and the
    ///   actual version), `emptyBatch`, `invalidJSON`, `payloadTooLarge`, `invalidEventType`,
    ///   `duplicateEventID` or `database`. Nothing is written when it throws.
    @discardableResult
    public func append(to stream: StreamName, expected: ExpectedVersion, events: [EventData]) async throws(EventStoreError) -> AppendResult {
        let start = ContinuousClock.now
        do {
            let result = try await appendOnce(to: stream, expected: expected, events: events)
            let events = result.wasAlreadyStored ? 0 : result.positions.count
            metrics.appended(result.wasAlreadyStored ? .replayed : .written, events: events, duration: ContinuousClock.now - start)
            return result
        } catch {
            metrics.appendFailed(error, duration: ContinuousClock.now - start)
            throw error
        }
    }

    /// ``append(to:expected:events:)`` without its metrics.
    private func appendOnce(to stream: StreamName, expected: ExpectedVersion, events: [EventData]) async throws(EventStoreError) -> AppendResult {
        let batch = try PreparedBatch(events, stream: stream, configuration: configuration)
        // The first attempt goes through the coalescer when there is one; its outcome (written or
        // refused) is handled below exactly like a plain attempt's.
        var firstOutcome: AppendStatement.Outcome?
        if let coalescer {
            switch await coalescer.submit(AppendCoalescer.Request(stream: stream, expected: expected, batch: batch)) {
            case .outcome(let outcome):
                firstOutcome = outcome
            case .failed(let error):
                throw error
            case .individually:
                break
            }
        }
        var attempts = 0
        while true {
            let outcome: AppendStatement.Outcome
            if let first = firstOutcome {
                outcome = first
                firstOutcome = nil
            } else {
                do {
                    outcome = try await AppendStatement.run(
                        client: client, connection: nil, stream: stream, expected: expected, batch: batch, logger: logger
                    )
                } catch {
                    throw EventStoreError.database(error, while: "appending to '\(stream)'")
                }
            }
            let refusal: (retryable: Bool, error: EventStoreError)
            switch outcome {
            case .written(let result):
                notifier.signal()
                return result
            case .expectationFailed:
                refusal = try await expectationRefusal(stream: stream, expected: expected)
            case .uniqueViolation(let eventIDTaken):
                refusal = try await uniqueRefusal(eventIDTaken: eventIDTaken, stream: stream, expected: expected, attempts: attempts)
            }
            // An earlier attempt of this very append may have committed: that is the answer.
            if let original = try await storedAppend(of: [StreamAppendIDs(stream: stream, ids: batch.ids)])?.first {
                return original
            }
            guard refusal.retryable, attempts < configuration.anyVersionRetries else { throw refusal.error }
            attempts += 1
            // Many writers on one stream: spread the retries so one of them wins each round.
            if attempts > 2 { try? await Task.sleep(for: .microseconds(Int.random(in: 0...(200 * attempts)))) }
        }
    }

    /// The expected version did not hold. With `.any` (or `.streamExists` on an existing stream)
    /// only the log-order rule can have refused the row: the head was written by a transaction with
    /// a higher id. That is a race, not a conflict; the next attempt runs with a newer transaction id.
    private func expectationRefusal(stream: StreamName, expected: ExpectedVersion) async throws(EventStoreError) -> (retryable: Bool, error: EventStoreError) {
        let actual = try await version(of: stream)
        let raced = expected == .any || (expected == .streamExists && actual > 0)
        return (raced, .versionConflict(stream: stream, expected: expected, actual: actual))
    }

    /// A unique index fired. A taken event id means the blocking writer rolled back between our
    /// insert and our look-up, or a concurrent writer holds the id: try again once it settles. A
    /// taken version is a lost race for `.any` and `.streamExists`, a conflict otherwise.
    private func uniqueRefusal(
        eventIDTaken: Bool, stream: StreamName, expected: ExpectedVersion, attempts: Int
    ) async throws(EventStoreError) -> (retryable: Bool, error: EventStoreError) {
        if eventIDTaken {
            return (true, EventStoreError(.duplicateEventID, "an event id of this append is being written by another append", stream: stream.rawValue))
        }
        guard expected == .any || expected == .streamExists else {
            return (false, .versionConflict(stream: stream, expected: expected, actual: try await version(of: stream)))
        }
        return (
            true,
            EventStoreError(
                .concurrencyConflict,
                "gave up appending to '\(stream)' after \(attempts) lost races for its next version; retry later",
                stream: stream.rawValue
            )
        )
    }

    /// Appends to several streams in one transaction: all of them are written or none.
    ///
    /// - Parameter appends: One entry per stream; a stream may appear only once.
    /// - Returns: One result per entry, in the same order.
    /// - Throws: The same errors as ``append(to:expected:events:)``; a conflict on any stream writes nothing.
    @discardableResult
    public func append(_ appends: [StreamAppend]) async throws(EventStoreError) -> [AppendResult] {
        let start = ContinuousClock.now
        do {
            let results = try await appendAtomically(appends)
            let replayed = results.allSatisfy(\.wasAlreadyStored)
            let events = results.filter { !$0.wasAlreadyStored }.reduce(0) { $0 + $1.positions.count }
            metrics.appended(replayed ? .replayed : .written, events: events, duration: ContinuousClock.now - start)
            return results
        } catch {
            metrics.appendFailed(error, duration: ContinuousClock.now - start)
            throw error
        }
    }

    /// ``append(_:)`` without its metrics.
    private func appendAtomically(_ appends: [StreamAppend]) async throws(EventStoreError) -> [AppendResult] {
        guard !appends.isEmpty else {
            throw EventStoreError(.emptyBatch, "an atomic append must name at least one stream")
        }
        let parts = try PreparedBatch.prepare(appends, configuration: configuration)
        let batches = parts.map(\.batch)
        let idsByStream = zip(appends, batches).map { StreamAppendIDs(stream: $0.stream, ids: $1.ids) }
        var attempts = 0
        while true {
            do {
                return try await transaction(metered: false) { tx in try await tx.append(prepared: parts) }
            } catch let error as EventStoreError
                where error.code == .versionConflict || error.code == .duplicateEventID || error.code == .concurrencyConflict
            {
                if let originals = try await storedAppend(of: idsByStream) { return originals }
                let retryable =
                    appends.allSatisfy { $0.expectedVersion == .any || $0.expectedVersion == .streamExists }
                    || error.code == .duplicateEventID || error.code == .concurrencyConflict
                if retryable, attempts < configuration.anyVersionRetries {
                    attempts += 1
                    continue
                }
                throw error
            } catch let error as EventStoreError {
                throw error
            } catch {
                throw EventStoreError.database(error, while: "appending atomically to \(appends.count) streams")
            }
        }
    }

    /// Runs `body` in one PostgreSQL transaction in which appends and other statements commit together.
    ///
    /// Use the transaction's `connection` for statements that must commit with the events (for
    /// example a uniqueness reservation). When `body` throws, everything is rolled back.
    ///
    /// - Returns: What `body` returns.
    /// - Throws: ``EventStoreError`` for store and database failures (a version conflict names the
    ///   actual version, read after the rollback), or the error `body` threw, unchanged.
    public func transaction<Result: Sendable>(
        _ body: (EventStoreTransaction) async throws -> Result
    ) async throws -> Result {
        try await transaction(metered: true, body)
    }

    /// ``transaction(_:)``; `metered`: whether a transaction that appended counts in
    /// ``metrics`` as an append (``append(_:)`` counts its own).
    private func transaction<Result: Sendable>(
        metered: Bool, _ body: (EventStoreTransaction) async throws -> Result
    ) async throws -> Result {
        let start = ContinuousClock.now
        let tally = AppendTally()
        do {
            let result = try await runTransaction(tally: tally, body)
            if metered, let events = tally.events { metrics.appended(.written, events: events, duration: ContinuousClock.now - start) }
            return result
        } catch {
            if metered, tally.events != nil { metrics.appendFailed(error, duration: ContinuousClock.now - start) }
            throw error
        }
    }

    private func runTransaction<Result: Sendable>(
        tally: AppendTally, _ body: (EventStoreTransaction) async throws -> Result
    ) async throws -> Result {
        do {
            let result = try await withConnection { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    try await body(EventStoreTransaction(connection: connection, store: self, tally: tally))
                }
            }
            notifier.signal()
            return result
        } catch let error as PostgresTransactionError {
            let cause = error.closureError ?? error.beginError ?? error.commitError ?? error
            if cause is EventStoreError || cause is AppendRace || cause is PSQLError || cause is PostgresTransactionError {
                throw try await enrich(cause)
            }
            throw cause
        } catch let error as PSQLError {
            throw EventStoreError.database(error, while: "running a transaction")
        }
    }

    /// Turns an in-transaction failure into a complete ``EventStoreError``, now that the transaction has ended.
    private func enrich(_ error: any Error) async throws(EventStoreError) -> EventStoreError {
        if var race = error as? AppendRace {
            if let number = race.streamNumber, let name = try await streamName(numbered: number),
                let candidate = race.candidates.first(where: { $0.stream.rawValue == name })
            {
                (race.stream, race.expected) = candidate
            }
            if race.youngerWriter {
                return EventStoreError(
                    .concurrencyConflict,
                    "stream '\(race.stream)' was appended to by a transaction that started later than this one; run this transaction again",
                    stream: race.stream.rawValue
                )
            }
            if race.eventIDTaken {
                return EventStoreError(.duplicateEventID, "an event id of this append is already stored", stream: race.stream.rawValue)
            }
            return EventStoreError.versionConflict(stream: race.stream, expected: race.expected, actual: try await version(of: race.stream))
        }
        if let storeError = error as? EventStoreError { return storeError }
        return EventStoreError.database(error, while: "running a transaction")
    }

    /// The name of the stream with this number (``AppendSQL/head(of:)``), `nil` when there is none.
    func streamName(numbered number: Int64) async throws(EventStoreError) -> String? {
        do {
            let rows = try await client.query(
                "SELECT stream FROM events WHERE stream_id = \(number) AND stream_version = 1", logger: logger
            )
            for try await name in rows.decode(String.self) { return name }
            return nil
        } catch {
            throw EventStoreError.database(error, while: "looking up stream number \(number)")
        }
    }

    /// The current version of a stream (0 when it does not exist).
    public func version(of stream: StreamName) async throws(EventStoreError) -> Int64 {
        do {
            let rows = try await client.query(AppendSQL.headQuery("v", of: stream), logger: logger)
            for try await version in rows.decode(Int64.self) { return version }
            return 0
        } catch {
            throw EventStoreError.database(error, while: "reading the version of '\(stream)'")
        }
    }

    /// When every id of every part is stored, exactly as those parts, the original results; `nil` when
    /// none is stored.
    /// - Throws: `duplicateEventID` when some ids are stored but not as this append.
    func storedAppend(of parts: [StreamAppendIDs]) async throws(EventStoreError) -> [AppendResult]? {
        let allIDs = parts.flatMap(\.ids)
        var found: [UUID: (stream: String, version: Int64, position: Int64, transaction: UInt64)] = [:]
        do {
            let rows = try await client.query(
                "SELECT event_id, stream, stream_version, position, transaction_id::text FROM events WHERE event_id = ANY(\(allIDs)::uuid[])",
                logger: logger
            )
            for try await (id, stream, version, position, transaction) in rows.decode((UUID, String, Int64, Int64, String).self) {
                found[id] = (stream, version, position, UInt64(transaction) ?? 0)
            }
        } catch {
            throw EventStoreError.database(error, while: "looking up stored event ids")
        }
        if found.isEmpty { return nil }
        var results: [AppendResult] = []
        for part in parts {
            let stored = part.ids.compactMap { found[$0] }
            guard stored.count == part.ids.count, stored.allSatisfy({ $0.stream == part.stream.rawValue }),
                zip(stored, stored.dropFirst()).allSatisfy({ $0.version + 1 == $1.version })
            else {
                throw EventStoreError(
                    .duplicateEventID,
                    "some event ids of this append are already stored by a different append; use new ids for new events",
                    stream: part.stream.rawValue
                )
            }
            results.append(
                AppendResult(
                    stream: part.stream,
                    positions: stored.map(\.position),
                    streamVersion: stored.last?.version ?? 0,
                    transactionID: stored.first?.transaction ?? 0,
                    wasAlreadyStored: true
                ))
        }
        return results
    }
}

/// The event ids one stream's part of an append carries.
struct StreamAppendIDs: Sendable {
    var stream: StreamName
    var ids: [UUID]
}

/// An append inside a transaction lost a race; the transaction is aborted, so the details are
/// filled in after it has rolled back.
struct AppendRace: Error, Sendable {
    var stream: StreamName
    var expected: ExpectedVersion
    var eventIDTaken: Bool
    /// The stream's last event belongs to a transaction that started later than this one.
    var youngerWriter = false
    /// When the violation named a stream by number only: that number, and the appended streams
    /// it may be; ``stream`` is then resolved once the transaction has rolled back.
    var streamNumber: Int64?
    /// The streams (and their expectations) of the append that lost, to resolve ``streamNumber`` among.
    var candidates: [(stream: StreamName, expected: ExpectedVersion)] = []

    /// What a unique violation's detail names.
    enum Culprit: Equatable {
        /// `Key (stream)=(todo-1) already exists.`: two writers created one stream.
        case name(String)
        /// `Key (stream_id, stream_version)=(17, 3) already exists.`: two writers took one version.
        case number(Int64)
    }

    /// The stream a unique violation's detail names, by name or by number.
    static func culprit(in detail: String?) -> Culprit? {
        guard let detail, let open = detail.range(of: ")=("), let close = detail.range(of: ") already exists") else { return nil }
        guard open.upperBound <= close.lowerBound else { return nil }
        let values = detail[open.upperBound..<close.lowerBound]
        if detail.hasPrefix("Key (stream)=") { return .name(String(values)) }
        if detail.hasPrefix("Key (stream_id, stream_version)="),
            let comma = values.range(of: ", "), let number = Int64(values[..<comma.lowerBound])
        {
            return .number(number)
        }
        return nil
    }
}
