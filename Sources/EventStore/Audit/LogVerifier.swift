import Basics
import Crypto
import Logging
import PostgresNIO

/// Recomputes the tamper-evident chain over the log and finds the first event whose content, order
/// or presence differs from its seal (`synccli events verify`).
///
/// The verifier walks the seals block by block: it checks that each block's hash follows from the
/// previous block's hash and the block's digests (computed here, with swift-crypto, not trusted from
/// the database), then reads the events of the block's range in gap-free order with their digests
/// recomputed by PostgreSQL from the stored rows, and compares positions and digests one by one.
/// Events after the newest seal are counted as unsealed, not verified.
public struct LogVerifier: Sendable {
    /// Seal blocks read per round trip.
    static let blocksPerPage = 16

    let connection: PostgresConnection
    let logger: Logger

    /// Creates a verifier that reads on `connection`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Verifies the sealed log, from the block that seals the event at `position` (the whole log
    /// when `nil`), and stops at the first mismatch.
    /// - Parameter progress: Called after each page of blocks with the events verified so far.
    public func verify(from position: Int64? = nil, progress: @Sendable (Int) -> Void = { _ in }) async throws -> LogVerification {
        do {
            return try await run(from: position, progress: progress)
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError.database(error, while: "verifying the log against its seals")
        }
    }

    private func run(from position: Int64?, progress: @Sendable (Int) -> Void) async throws -> LogVerification {
        var expectedBlock: Int64 = 1
        var previous = LogSealHead.empty
        if let position {
            guard let start = try await firstBlock(sealing: position) else {
                // Nothing sealed at or after that position.
                let head = try await LogSealHead.read(on: connection, logger: logger)
                return LogVerification(eventsVerified: 0, blocksVerified: 0, mismatch: nil, head: head, unsealed: try await unsealed(after: head.last))
            }
            expectedBlock = start
            if start > 1 {
                guard let before = try await seal(start - 1) else {
                    return result(0, 0, LogMismatch(kind: .sealMissing, position: nil, block: start - 1), previous)
                }
                previous = before
            }
        }
        var verified = 0
        var blocks = 0
        while true {
            let page = try await seals(from: expectedBlock)
            if page.isEmpty { break }
            var storedPositions: [Int64] = []
            var storedDigests: [UInt8] = []
            var blockEnds: [(block: Int64, end: Int)] = []
            var chained = previous.hash
            for seal in page {
                guard seal.block == expectedBlock else {
                    return result(verified, blocks, LogMismatch(kind: .sealMissing, position: nil, block: expectedBlock), previous)
                }
                let hash = Array(SHA256.hash(data: chained + seal.digests))
                guard seal.digests.count == seal.positions.count * 32, hash == seal.hash else {
                    return result(verified, blocks, LogMismatch(kind: .sealAltered, position: nil, block: seal.block), previous)
                }
                storedPositions += seal.positions
                storedDigests += seal.digests
                blockEnds.append((seal.block, storedPositions.count))
                chained = seal.hash
                expectedBlock += 1
            }
            let actual = try await events(after: previous.last, through: page[page.count - 1].last)
            if let mismatch = compare(storedPositions, storedDigests, blockEnds, actual) {
                return result(verified + mismatch.index, blocks, try await described(mismatch.mismatch), previous)
            }
            verified += storedPositions.count
            blocks += page.count
            let last = page[page.count - 1]
            previous = LogSealHead(block: last.block, hash: last.hash, last: last.last)
            progress(verified)
        }
        return LogVerification(
            eventsVerified: verified, blocksVerified: blocks, mismatch: nil, head: previous, unsealed: try await unsealed(after: previous.last))
    }

    /// How many events the seals cover (for progress).
    public func sealedEventCount() async throws -> Int {
        do {
            let rows = try await connection.query("SELECT coalesce(sum(event_count), 0)::int8 FROM event_seals", logger: logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        } catch {
            throw EventStoreError.database(error, while: "counting the sealed events")
        }
    }

    private func result(_ verified: Int, _ blocks: Int, _ mismatch: LogMismatch, _ head: LogSealHead) -> LogVerification {
        LogVerification(eventsVerified: verified, blocksVerified: blocks, mismatch: mismatch, head: head, unsealed: 0)
    }

    /// Compares the sealed sequence with the stored one; the first difference and how many events
    /// matched before it.
    func compare(
        _ positions: [Int64], _ digests: [UInt8], _ blockEnds: [(block: Int64, end: Int)], _ actual: [(position: Int64, digest: [UInt8])]
    ) -> (mismatch: LogMismatch, index: Int)? {
        func block(of index: Int) -> Int64 {
            blockEnds.first(where: { index < $0.end })?.block ?? blockEnds[blockEnds.count - 1].block
        }
        var i = 0
        var j = 0
        while i < positions.count || j < actual.count {
            if i < positions.count, j < actual.count, positions[i] == actual[j].position {
                if !digests[(i * 32)..<(i * 32 + 32)].elementsEqual(actual[j].digest) {
                    return (LogMismatch(kind: .altered, position: positions[i], block: block(of: i)), i)
                }
                i += 1
                j += 1
                continue
            }
            let stored = Set(positions)
            if j < actual.count, !stored.contains(actual[j].position) {
                return (LogMismatch(kind: .inserted, position: actual[j].position, block: block(of: min(i, positions.count - 1))), i)
            }
            guard i < positions.count else {
                // Every sealed event matched; the extra one repeats a sealed position.
                return (LogMismatch(kind: .inserted, position: actual[j].position, block: block(of: positions.count - 1)), i)
            }
            let present = Set(actual.map(\.position))
            let kind: LogMismatch.Kind = present.contains(positions[i]) ? .reordered : .missing
            return (LogMismatch(kind: kind, position: positions[i], block: block(of: i)), i)
        }
        return nil
    }

    /// Adds the stream and type of the event concerned, as stored now.
    private func described(_ mismatch: LogMismatch) async throws -> LogMismatch {
        guard let position = mismatch.position, mismatch.kind != .missing else { return mismatch }
        var described = mismatch
        let rows = try await connection.query("SELECT stream, type FROM events WHERE position = \(position) LIMIT 1", logger: logger)
        for try await (stream, type) in rows.decode((String, String).self) {
            described.stream = stream
            described.type = type
        }
        return described
    }

    private func firstBlock(sealing position: Int64) async throws -> Int64? {
        let rows = try await connection.query(
            """
            SELECT s.block FROM event_seals s, (SELECT transaction_id, position FROM events WHERE position = \(position) LIMIT 1) AS e
            WHERE (s.last_transaction_id, s.last_position) >= (e.transaction_id, e.position)
            ORDER BY s.block LIMIT 1
            """,
            logger: logger
        )
        for try await block in rows.decode(Int64.self) { return block }
        return nil
    }

    private func seal(_ block: Int64) async throws -> LogSealHead? {
        try await seals(from: block, limit: 1).first.flatMap { $0.block == block ? LogSealHead(block: $0.block, hash: $0.hash, last: $0.last) : nil }
    }

    private func seals(from block: Int64, limit: Int = blocksPerPage) async throws -> [LogSeal] {
        let rows = try await connection.query(
            """
            SELECT block, last_transaction_id::text, last_position, positions, encode(digests, 'hex'), encode(hash, 'hex')
            FROM event_seals WHERE block >= \(block) ORDER BY block LIMIT \(Int64(limit))
            """,
            logger: logger
        )
        var seals: [LogSeal] = []
        for try await (block, transactionID, position, positions, digests, hash) in rows.decode((Int64, String, Int64, [Int64], String, String).self) {
            guard let transaction = UInt64(transactionID), let digests = Hex.decode(digests), let hash = Hex.decode(hash) else {
                throw EventStoreError(.database, "seal block \(block) cannot be read: it was written by something other than this build")
            }
            seals.append(
                LogSeal(block: block, last: LogPosition(transactionID: transaction, position: position), positions: positions, digests: digests, hash: hash))
        }
        return seals
    }

    private func events(after start: LogPosition, through end: LogPosition) async throws -> [(position: Int64, digest: [UInt8])] {
        let rows = try await connection.query(
            """
            SELECT e.position, encode(\(unescaped: LogSeal.eventDigestSQL), 'hex') FROM events e
            WHERE (e.transaction_id, e.position) > (\(String(start.transactionID))::text::xid8, \(start.position)::int8)
              AND (e.transaction_id, e.position) <= (\(String(end.transactionID))::text::xid8, \(end.position)::int8)
            ORDER BY e.transaction_id, e.position
            """,
            logger: logger
        )
        var events: [(position: Int64, digest: [UInt8])] = []
        for try await (position, digest) in rows.decode((Int64, String).self) {
            events.append((position, Hex.decode(digest) ?? []))
        }
        return events
    }

    private func unsealed(after last: LogPosition) async throws -> Int {
        try await LogSealHead.unsealed(after: last, on: connection, logger: logger)
    }
}
