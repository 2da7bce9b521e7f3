import PostgresNIO
import Synchronization

/// An open transaction of the event store: appends and other statements on ``connection`` commit together.
public struct EventStoreTransaction: Sendable {
    /// The connection in transaction mode. Run extra statements on it; do not commit or roll back yourself.
    public let connection: PostgresConnection
    let store: EventStore
    /// The events this transaction appended, for the store's metrics once it commits.
    let tally: AppendTally

    /// Appends events to one stream inside this transaction.
    ///
    /// - Throws: ``EventStoreError``; after a version conflict or a duplicate id the transaction is
    ///   aborted and must end: let the error leave the transaction's closure.
    @discardableResult
    public func append(to stream: StreamName, expected: ExpectedVersion, events: [EventData]) async throws -> AppendResult {
        let batch = try PreparedBatch(events, stream: stream, configuration: store.configuration)
        return try await append(prepared: batch, to: stream, expected: expected)
    }

    /// Appends to several streams inside this transaction with one statement: all or nothing.
    ///
    /// - Parameters:
    ///   - appends: One entry per stream; a stream may appear only once.
    ///   - logOrder: The order the events take in the log, as one stream name per event: the k-th
    ///     time a stream is named stands for its k-th event. `nil` writes the streams one after another.
    /// - Returns: One result per entry, in the same order.
    /// - Throws: ``EventStoreError`` for invalid input (including a `logOrder` that does not name
    ///   each event exactly once); after a version conflict or a duplicate id the transaction is
    ///   aborted and must end: let the error leave the transaction's closure.
    @discardableResult
    public func append(_ appends: [StreamAppend], logOrder: [StreamName]? = nil) async throws -> [AppendResult] {
        let parts = try PreparedBatch.prepare(appends, configuration: store.configuration)
        var order: [Int]?
        if let logOrder {
            let indexes = Dictionary(uniqueKeysWithValues: parts.enumerated().map { ($1.stream, $0) })
            var counts = Array(repeating: 0, count: parts.count)
            order = try logOrder.map { stream throws(EventStoreError) in
                guard let index = indexes[stream] else {
                    throw EventStoreError(.invalidArgument, "the log order names stream '\(stream)', which this append does not write", stream: stream.rawValue)
                }
                counts[index] += 1
                return index
            }
            guard counts == parts.map(\.batch.count) else {
                throw EventStoreError(.invalidArgument, "the log order must name each stream once per event it appends")
            }
        }
        return try await append(prepared: parts, order: order)
    }

    func append(prepared parts: [(stream: StreamName, expected: ExpectedVersion, batch: PreparedBatch)], order: [Int]? = nil) async throws -> [AppendResult] {
        tally.attempted()
        if parts.count == 1, let part = parts.first {
            return [try await append(prepared: part.batch, to: part.stream, expected: part.expected)]
        }
        var rows: [MultiStreamAppendStatement.Row] = []
        do {
            for try await row in try await connection.execute(MultiStreamAppendStatement(parts, order: order), logger: store.logger) { rows.append(row) }
        } catch let error as PSQLError where error.sqlState == .uniqueViolation {
            let eventIDTaken = error.serverInfo?[.constraintName] == "events_event_id_key"
            var race = AppendRace(stream: parts[0].stream, expected: parts[0].expected, eventIDTaken: eventIDTaken)
            switch AppendRace.culprit(in: error.serverInfo?[.detail]) {
            case .name(let name):
                if let part = parts.first(where: { $0.stream.rawValue == name }) { (race.stream, race.expected) = (part.stream, part.expected) }
            case .number(let number):
                race.streamNumber = number
                race.candidates = parts.map { ($0.stream, $0.expected) }
            case nil:
                break
            }
            throw race
        }
        guard !rows.isEmpty else {
            // Some expectation failed and nothing was written: name the first stream that refused.
            for part in parts {
                let rows = try await connection.query(
                    AppendSQL.headQuery("v, t > pg_current_xact_id()", of: part.stream), logger: store.logger
                )
                var head: (version: Int64, younger: Bool)?
                for try await row in rows.decode((Int64, Bool).self) { head = row }
                if head?.younger == true {
                    throw AppendRace(stream: part.stream, expected: part.expected, eventIDTaken: false, youngerWriter: true)
                }
                if !part.expected.isSatisfied(by: head?.version ?? 0) {
                    throw AppendRace(stream: part.stream, expected: part.expected, eventIDTaken: false)
                }
            }
            throw AppendRace(stream: parts[0].stream, expected: parts[0].expected, eventIDTaken: false)
        }
        var byStream: [String: [(position: Int64, version: Int64, transaction: String)]] = [:]
        for (position, stream, version, transaction) in rows {
            byStream[stream, default: []].append((position, version, transaction))
        }
        tally.wrote(rows.count)
        return parts.map { part in
            let written = (byStream[part.stream.rawValue] ?? []).sorted { $0.version < $1.version }
            return AppendResult(
                stream: part.stream,
                positions: written.map(\.position),
                streamVersion: written.last?.version ?? 0,
                transactionID: written.first.flatMap { UInt64($0.transaction) } ?? 0,
                wasAlreadyStored: false
            )
        }
    }

    func append(prepared batch: PreparedBatch, to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        tally.attempted()
        let outcome = try await AppendStatement.run(
            client: store.client, connection: connection, stream: stream, expected: expected, batch: batch, logger: store.logger
        )
        switch outcome {
        case .written(let result):
            tally.wrote(result.positions.count)
            return result
        case .expectationFailed:
            if try await AppendStatement.headIsYounger(stream: stream, connection: connection, logger: store.logger) {
                throw AppendRace(stream: stream, expected: expected, eventIDTaken: false, youngerWriter: true)
            }
            throw AppendRace(stream: stream, expected: expected, eventIDTaken: false)
        case .uniqueViolation(let eventIDTaken):
            throw AppendRace(stream: stream, expected: expected, eventIDTaken: eventIDTaken)
        }
    }
}

/// What one transaction appended: `nil` events until it tried to append.
final class AppendTally: Sendable {
    private let count = Mutex<Int?>(nil)

    /// The events written so far, or `nil` when the transaction never tried to append.
    var events: Int? { count.withLock { $0 } }

    /// An append was tried.
    func attempted() { count.withLock { $0 = $0 ?? 0 } }

    /// `events` events were written.
    func wrote(_ events: Int) { count.withLock { $0 = ($0 ?? 0) + events } }
}
