import Basics
import Foundation
import PostgresNIO

extension EventStore {
    /// The columns every read selects, in the order ``decodeEvents(_:)`` expects.
    static let eventColumns = """
        position, transaction_id::text, event_id, stream, stream_version, type, schema_version, data::text, recorded_at,
        metadata->>'tenant', metadata->>'actor', metadata->>'device', metadata->>'mutation', metadata->>'correlation',
        metadata->>'causation', (metadata->'extra')::text
        """

    /// Reads one stream.
    ///
    /// - Parameters:
    ///   - stream: The stream to read.
    ///   - version: Forwards: the first version to return (1 = from the start). Backwards: the
    ///     highest version to return (`Int64.max` = from the end).
    ///   - direction: Oldest first or newest first.
    ///   - limit: The most events to return (1 to the configured page size).
    /// - Returns: The events, in the requested direction; empty when the stream does not exist.
    public func read(
        stream: StreamName,
        from version: Int64 = 1,
        direction: ReadDirection = .forwards,
        limit: Int = 1000
    ) async throws(EventStoreError) -> [RecordedEvent] {
        try checkLimit(limit)
        // A stream's first event is found by its name, the later ones by the stream's number
        // (the two partial unique indexes of docs/architecture.md).
        let query: PostgresQuery
        switch direction {
        case .forwards:
            do {
                return try await decodeEvents(try await client.execute(StreamReadStatement(stream: stream, from: version, limit: limit), logger: logger))
            } catch {
                throw EventStoreError.database(error, while: "reading stream '\(stream)'")
            }
        case .backwards:
            query = """
                (SELECT \(unescaped: Self.eventColumns) FROM events
                 WHERE stream_id = (SELECT stream_id FROM events WHERE stream = \(stream.rawValue) AND stream_version = 1)
                   AND stream_version > 1 AND stream_version <= \(version)
                 ORDER BY stream_version DESC LIMIT \(limit))
                UNION ALL
                SELECT \(unescaped: Self.eventColumns) FROM events
                WHERE stream = \(stream.rawValue) AND stream_version = 1 AND \(version)::int8 >= 1
                ORDER BY stream_version DESC LIMIT \(limit)
                """
        }
        do {
            return try await decodeEvents(try await client.query(query, logger: logger))
        } catch {
            throw EventStoreError.database(error, while: "reading stream '\(stream)'")
        }
    }

    /// Reads every event of one stream from `version` on (1: the whole stream), oldest first, page by page.
    public func readAll(stream: StreamName, from version: Int64 = 1) async throws(EventStoreError) -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        var next = max(1, version)
        while true {
            let page = try await read(stream: stream, from: next, limit: configuration.maxPageSize)
            events.append(contentsOf: page)
            guard page.count == configuration.maxPageSize, let last = page.last else { return events }
            next = last.streamVersion + 1
        }
    }

    /// Reads every event of several streams in one query, oldest first per stream.
    ///
    /// Meant for loading a handful of aggregates at once (a pushed batch of mutations); a stream
    /// that does not exist maps to an empty array.
    public func readAll(streams: [StreamName]) async throws(EventStoreError) -> [StreamName: [RecordedEvent]] {
        var result: [StreamName: [RecordedEvent]] = [:]
        for stream in streams { result[stream] = [] }
        guard !streams.isEmpty else { return result }
        let events: [RecordedEvent]
        do {
            events = try await decodeEvents(try await client.execute(StreamsReadStatement(streams), logger: logger))
        } catch {
            throw EventStoreError.database(error, while: "reading \(streams.count) streams")
        }
        for event in events { result[event.stream, default: []].append(event) }
        return result
    }

    /// Reads the events of several streams, each from its own version on (1: the whole stream), in
    /// one query, oldest first per stream: a pushed batch whose aggregates are partly cached reads
    /// only what follows the cached versions.
    ///
    /// - Parameter versions: Each stream's first version to return.
    /// - Returns: Each stream's events; a stream with none (or that does not exist) maps to an empty array.
    public func readAll(streamsFrom versions: [StreamName: Int64]) async throws(EventStoreError) -> [StreamName: [RecordedEvent]] {
        var result: [StreamName: [RecordedEvent]] = [:]
        for stream in versions.keys { result[stream] = [] }
        guard !versions.isEmpty else { return result }
        let events: [RecordedEvent]
        do {
            events = try await decodeEvents(try await client.execute(StreamsReadFromStatement(versions), logger: logger))
        } catch {
            throw EventStoreError.database(error, while: "reading \(versions.count) streams")
        }
        for event in events { result[event.stream, default: []].append(event) }
        return result
    }

    /// Reads every event of several streams on `connection` (inside the caller's transaction, so
    /// its own uncommitted appends are included), oldest first per stream.
    ///
    /// - Throws: ``EventStoreError`` `database` when the query fails.
    public func readAll(streams: [StreamName], on connection: PostgresConnection) async throws(EventStoreError) -> [StreamName: [RecordedEvent]] {
        var result: [StreamName: [RecordedEvent]] = [:]
        for stream in streams { result[stream] = [] }
        guard !streams.isEmpty else { return result }
        do {
            for event in try await decodeEvents(try await connection.execute(StreamsReadStatement(streams), logger: logger)) {
                result[event.stream, default: []].append(event)
            }
        } catch {
            throw EventStoreError.database(error, while: "reading \(streams.count) streams")
        }
        return result
    }

    /// Every event of `streams`, ordered by stream and version: a stream's first event by name, the
    /// rest by the stream's number.

    /// Reads the whole log after a position, gap-free.
    ///
    /// Only events written by transactions older than every transaction still running are returned,
    /// in `(transactionID, position)` order. An event whose position was allocated before a higher one
    /// but committed after it is therefore never skipped: it is returned after the higher one, once its
    /// transaction has ended. See `docs/architecture.md`.
    ///
    /// - Parameters:
    ///   - position: Return events after this one (``LogPosition/start`` for the beginning).
    ///   - limit: The most events to return (1 to the configured page size).
    ///   - filter: Restrict by tenant, category or event type.
    ///   - skipAhead: With a filter, also look up the readable horizon so that ``LogPage/next`` may
    ///     skip non-matching events (one more cheap query).
    /// - Returns: The events and where to continue.
    public func readAll(
        after position: LogPosition, limit: Int = 1000, filter: LogFilter = .all, skipAhead: Bool = true
    ) async throws(EventStoreError) -> LogPage {
        try checkLimit(limit)
        do {
            // With a filter, first find the newest readable event of the whole log (a backward
            // index scan): when the filtered page is not full, nothing that matches lies between
            // its last event and that horizon, so the next read may start there instead of
            // scanning the non-matching events again.
            let isFiltered = skipAhead && (filter.tenantID != nil || filter.categories != nil || filter.eventTypes != nil)
            var horizon: LogPosition?
            if isFiltered {
                for try await row in try await client.execute(LogHorizonStatement(), logger: logger) {
                    let (transaction, newest) = try row.decode((String, Int64).self)
                    horizon = UInt64(transaction).map { LogPosition(transactionID: $0, position: newest) }
                }
            }
            let events = try await decodeEvents(
                try await client.execute(LogReadStatement(after: position, filter: filter, limit: limit), logger: logger))
            var next = events.last?.logPosition ?? position
            if let horizon, events.count < limit, horizon > next { next = horizon }
            return LogPage(events: events, next: next)
        } catch {
            throw EventStoreError.database(error, while: "reading the log")
        }
    }

    /// The log position of the event at a global position, to start a read "after position N".
    /// - Returns: `nil` when no event has that position.
    public func logPosition(ofEventAt position: Int64) async throws(EventStoreError) -> LogPosition? {
        do {
            let rows = try await client.query(
                "SELECT transaction_id::text FROM events WHERE position = \(position)", logger: logger
            )
            for try await transaction in rows.decode(String.self) {
                return LogPosition(transactionID: UInt64(transaction) ?? 0, position: position)
            }
            return nil
        } catch {
            throw EventStoreError.database(error, while: "looking up position \(position)")
        }
    }

    func checkLimit(_ limit: Int) throws(EventStoreError) {
        guard (1...configuration.maxPageSize).contains(limit) else {
            throw EventStoreError(.invalidArgument, "page size \(limit) is out of range; use 1 to \(configuration.maxPageSize)")
        }
    }

    /// Decodes rows of ``eventColumns``. The metadata's fields come out of PostgreSQL as columns,
    /// so the hot path of every reader (a rebuild reads millions of events) parses no metadata JSON;
    /// only the rare `extra` object is decoded.
    func decodeEvents<Rows: AsyncSequence>(_ rows: Rows) async throws -> [RecordedEvent] where Rows.Element == PostgresRow {
        let decoder = JSONDecoder()
        var events: [RecordedEvent] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let stream = try columns[3].decode(String.self)
            let name: StreamName
            do { name = try StreamName(stream) } catch { throw error }
            let extra = try columns[15].decode(String?.self).flatMap {
                try? decoder.decode([String: String].self, from: Data($0.utf8))
            }
            events.append(
                RecordedEvent(
                    position: try columns[0].decode(Int64.self),
                    transactionID: UInt64(try columns[1].decode(String.self)) ?? 0,
                    id: try columns[2].decode(UUID.self),
                    stream: name,
                    streamVersion: try columns[4].decode(Int64.self),
                    type: try columns[5].decode(String.self),
                    schemaVersion: Int(try columns[6].decode(Int32.self)),
                    data: Data(try columns[7].decode(String.self).utf8),
                    metadata: EventMetadata(
                        tenantID: try columns[9].decode(String?.self),
                        actorID: try columns[10].decode(String?.self),
                        deviceID: try columns[11].decode(String?.self),
                        mutationID: try columns[12].decode(String?.self),
                        correlationID: try columns[13].decode(String?.self),
                        causationID: try columns[14].decode(String?.self),
                        extra: extra
                    ),
                    recordedAt: try columns[8].decode(Date.self)
                ))
        }
        return events
    }
}

extension EventStore {
    /// Waits until every transaction up to `transactionID` has ended, so that a whole-log read
    /// returns what that transaction wrote (read-your-writes for the gap-free reader).
    ///
    /// - Parameters:
    ///   - transactionID: An ``AppendResult/transactionID``.
    ///   - timeout: How long to wait before giving up.
    /// - Throws: `invalidArgument` when older transactions are still open after `timeout`.
    public func waitUntilReadable(_ transactionID: UInt64, timeout: Duration = .seconds(30)) async throws(EventStoreError) {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let backoff = Backoff(base: .milliseconds(2), cap: .milliseconds(50))
        var polls = 0
        while true {
            do {
                let rows = try await client.query(
                    "SELECT pg_snapshot_xmin(pg_current_snapshot()) > \(String(transactionID))::xid8", logger: logger
                )
                for try await readable in rows.decode(Bool.self) where readable { return }
            } catch {
                throw EventStoreError.database(error, while: "waiting for the log horizon")
            }
            guard clock.now < deadline else {
                throw EventStoreError(
                    .invalidArgument,
                    "transaction \(transactionID) is still not readable: an older transaction holds the log horizon (see `synccli events status`)")
            }
            try? await Task.sleep(for: backoff.delay(retry: polls))
            polls += 1
        }
    }
}
