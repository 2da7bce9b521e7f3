import Commands
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import SyncProtocol

/// Answers `GET /v1/sync/pull`: a snapshot of the user's partitions in pages, then the changes
/// of the change feed (see `ChangeFeed`) since the cursor, as upserts and tombstones.
///
/// Each page is read in one `REPEATABLE READ` transaction. Changes are taken only below the
/// snapshot's xmin and in `(transaction_id, seq)` order, so a change that commits after a later
/// one is never skipped. A changed key is answered with the row's current state (or a tombstone
/// when the user can no longer see it), so applying a page twice is harmless.
///
/// With ``standby`` set, a page is read on the standby when it has replayed at least the cursor's
/// WAL mark (checked before its snapshot is taken) and its snapshot's xmin is above the cursor's
/// transaction id; otherwise, or when the standby fails, the page is read on the primary. Both
/// conditions together keep every page gap-free and never older than a page the replica already
/// has (docs/architecture/sync.md, "Pulls from the standby").
public struct PullService: Sendable {
    /// The database (the primary).
    public let client: PostgresClient
    /// The standby pages may be read from, if any.
    public let standby: StandbyReads?
    /// Pages by source and fallbacks to the primary.
    public let metrics: PullMetrics
    /// The logger.
    public let logger: Logger
    /// The largest page.
    public let maxLimit: Int
    /// The projections whose checkpoints tell which writes the read tables hold.
    public let projections: [any Projection]
    /// How long a pull that finds nothing waits for changes held back by the gap-free rule.
    public let heldBackWait: Duration
    /// Signs and checks cursors.
    public let cursors: CursorSigner
    /// Where the connections pulls lease are counted.
    public let poolMetrics: EventStoreMetrics

    /// Creates the service.
    /// - Parameters:
    ///   - client: The database.
    ///   - logger: The logger.
    ///   - maxLimit: The largest page.
    ///   - projections: The projections whose checkpoints tell which writes the read tables hold.
    ///   - heldBackWait: How long a pull that finds nothing waits for held-back changes.
    ///   - cursors: Signs and checks cursors; instances that share it accept each other's cursors
    ///     (the default, a random key, refuses every cursor after a restart).
    ///   - standby: The standby pages may be read from (none: every page comes from `client`).
    ///   - metrics: Pages by source and fallbacks to the primary.
    ///   - poolMetrics: Where the connections pulls lease from the primary's pool are counted (by default nowhere).
    public init(
        client: PostgresClient, logger: Logger, maxLimit: Int = 5000, projections: [any Projection] = ReadModels.all,
        heldBackWait: Duration = .seconds(1), cursors: CursorSigner = .random(), standby: StandbyReads? = nil,
        metrics: PullMetrics = PullMetrics(), poolMetrics: EventStoreMetrics = .none
    ) {
        self.poolMetrics = poolMetrics
        self.standby = standby
        self.metrics = metrics
        self.heldBackWait = heldBackWait
        self.cursors = cursors
        self.client = client
        self.logger = logger
        self.maxLimit = maxLimit
        self.projections = projections
    }

    /// The entities, in snapshot order.
    static let entities = EntityQuery.all

    /// One page for `identity` after `cursor` (nil: start a snapshot).
    ///
    /// - Throws: ``CommandError`` `resync_required` for a cursor that can no longer be served
    ///   (another epoch, tenant, user or device, pruned, or unsigned from an older build),
    ///   `invalid` for one this server did not issue (altered, made up, signed with another key)
    ///   or a bad limit.
    public func pull(identity: Identity, cursor text: String?, limit: Int) async throws -> PullPage {
        guard (1...maxLimit).contains(limit) else {
            throw CommandError(.invalid, "limit must be 1-\(maxLimit)")
        }
        let cursor = try text.map { text throws(CommandError) in
            try cursors.decode(text).validated(entityCount: Self.entities.count)
        }
        // Changes already committed but held back by an older open transaction (the gap-free
        // rule) are waited for briefly, so a device poked about them finds them on this pull.
        let deadline = ContinuousClock.now + heldBackWait
        while true {
            let (response, heldBack) = try await readPage(identity: identity, cursor: cursor, limit: limit)
            guard heldBack, ContinuousClock.now < deadline else { return response }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// One page, from the standby when it may answer, else from the primary.
    private func readPage(identity: Identity, cursor: SyncCursor?, limit: Int) async throws -> (PullPage, Bool) {
        if let standby {
            if let result = await standbyPage(standby, identity: identity, cursor: cursor, limit: limit) { return result }
        }
        guard let result = try await readPage(on: client, source: .primary, identity: identity, cursor: cursor, limit: limit) else {
            // Only a standby is ever behind.
            throw CommandError(.unavailable, "the primary could not be read")
        }
        return result
    }

    /// The page read on the standby, or `nil` (counted, and logged) when the primary must answer:
    /// the standby is paused after a failure, has not caught up within the wait, fails or takes
    /// too long. Refusals that hold on any node (`resync_required`, `invalid`) are not answered
    /// from the standby: the primary reads the same cursor and answers them itself.
    private func standbyPage(_ standby: StandbyReads, identity: Identity, cursor: SyncCursor?, limit: Int) async -> (PullPage, Bool)? {
        if let cursor, cursor.walMark == nil {
            metrics.fellBack(.oldCursor)
            return nil
        }
        guard await standby.gate.isOpen() else {
            metrics.fellBack(.paused)
            return nil
        }
        let service = self
        let outcome = await Deadline.run(timeout: standby.timeout) { () -> Result<(PullPage, Bool)?, any Error> in
            do {
                // Fresh: at least what the primary had flushed when this request began (so a
                // device poked about a commit finds it). Monotonic: at least what any page of
                // the cursor's chain could see. A primary that does not answer leaves the mark.
                let flushed = await Deadline.run(timeout: standby.timeout / 2) { await service.primaryFlushPosition() } ?? nil
                let required = [cursor?.walMark, flushed].compactMap { $0 }.max()
                return .success(
                    try await service.readPage(
                        on: standby.client, source: .standby, identity: identity, cursor: cursor, limit: limit,
                        required: required, catchUp: standby.catchUpWait))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let page?)?:
            return page
        case .success(nil)?:
            metrics.fellBack(.behind)
            return nil
        case .failure(let error as CommandError)? where !error.code.isTransient:
            // resync_required or invalid: not a failure of the standby; the primary reads the
            // cursor again and answers the same.
            return nil
        case .failure(let error)?:
            await standbyFailed(standby, reason: "\(error)")
            return nil
        case nil:
            // The request itself was cancelled (its deadline): not the standby's fault.
            if Task.isCancelled { return nil }
            await standbyFailed(standby, reason: "no answer within \(standby.timeout)")
            return nil
        }
    }

    private func standbyFailed(_ standby: StandbyReads, reason: String) async {
        metrics.fellBack(.failed)
        if await standby.gate.fail(for: standby.pause) {
            logger.warning(
                "standby read failed; pull pages come from the primary",
                metadata: ["db.error": "\(reason)", "standby.pause_seconds": "\(standby.pause.components.seconds)"])
        }
    }

    /// The primary's WAL flush position: every acknowledged commit lies below it. `nil` when the
    /// primary does not answer.
    private func primaryFlushPosition() async -> UInt64? {
        do {
            let rows = try await client.query("SELECT pg_current_wal_flush_lsn()::text", logger: logger)
            for try await text in rows.decode(String.self) { return WALPosition.parse(text) }
        } catch {
            logger.debug("the primary's WAL position could not be read", metadata: ["db.error": "\(String(reflecting: error).prefix(300))"])
        }
        return nil
    }

    /// One page read on `client`, or `nil` when `client` is a standby that has not replayed up to
    /// `required` within `catchUp`, or whose snapshot is behind the cursor.
    private func readPage(
        on client: PostgresClient, source: ReadSource, identity: Identity, cursor: SyncCursor?, limit: Int,
        required: UInt64? = nil, catchUp: Duration = .zero
    ) async throws -> (PullPage, Bool)? {
        // Only the primary's pool is the one `/metrics` reports.
        try await (source == .primary ? poolMetrics : .none).withConnection(from: client) { connection in
            if source == .standby, let required {
                // Before the snapshot is taken: a snapshot taken afterwards sees every commit
                // replayed up to here. (Read inside the transaction, the position could be past
                // what its snapshot sees.)
                let deadline = ContinuousClock.now + catchUp
                while true {
                    let position = try await walPosition(on: connection)
                    if let position, position >= required { break }
                    guard ContinuousClock.now < deadline else {
                        logger.debug(
                            "pull page from the primary: the standby has not replayed far enough",
                            metadata: ["standby.position": "\(position.map(WALPosition.text) ?? "none")", "required": "\(WALPosition.text(required))"])
                        return nil
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            // Every pool connection starts in UTC (DatabaseURL), as the rendered rows need.
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let response = try await page(identity: identity, cursor: cursor, limit: limit, source: source, on: connection)
                try await connection.query(response == nil ? "ROLLBACK" : "COMMIT", logger: logger)
                return response.map { result in
                    var page = result.0
                    page.source = source
                    return (page, result.1)
                }
            } catch let error as PSQLError where error.sqlState == .undefinedTable {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw CommandError(.unavailable, "the read models are still being created; retry in a moment")
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The node's WAL position (see ``WALPosition/currentSQL``), outside any transaction.
    private func walPosition(on connection: PostgresConnection) async throws -> UInt64? {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(WALPosition.currentSQL)"), logger: logger)
        for try await text in rows.decode(String?.self) { return text.flatMap(WALPosition.parse) }
        return nil
    }

    /// The page, or `nil` when `source` is the standby and its snapshot is behind the cursor.
    private func page(
        identity: Identity, cursor: SyncCursor?, limit: Int, source: ReadSource, on connection: PostgresConnection
    ) async throws -> (PullPage, Bool)? {
        let feed = try await feedState(on: connection)
        guard var cursor else {
            // A new snapshot: changes from the snapshot's xmin on follow it (xmin is at least 3:
            // PostgreSQL's first normal transaction id).
            let start = SyncCursor(
                epoch: feed.epoch, tenant: identity.tenantID.rawValue, user: identity.userID.rawValue, device: identity.deviceID.rawValue,
                transactionID: max(feed.xmin, 1) - 1, seq: Int64.max, included: 0, snapshotEntity: 0, snapshotKey: nil,
                walMark: feed.walPosition
            )
            return (try await snapshotPage(identity: identity, cursor: start, reset: true, limit: limit, feed: feed, on: connection), false)
        }
        // On the standby the gap-free rule needs every transaction up to the cursor's to have
        // ended in this snapshot, and an older epoch there means the standby has not replayed the
        // swap yet: the primary answers (a behind standby must not refuse the cursor).
        if source == .standby, cursor.transactionID >= feed.xmin || feed.epoch < cursor.epoch {
            logger.debug(
                "pull page from the primary: the standby's snapshot is behind the cursor",
                metadata: ["standby.xmin": "\(feed.xmin)", "cursor.transaction": "\(cursor.transactionID)"])
            return nil
        }
        cursor.walMark = max(cursor.walMark ?? 0, feed.walPosition ?? 0)
        guard cursor.epoch == feed.epoch, cursor.tenant == identity.tenantID.rawValue, cursor.user == identity.userID.rawValue,
            cursor.device == identity.deviceID.rawValue
        else {
            throw CommandError(
                .resyncRequired,
                "the replica must be rebuilt from a fresh snapshot (the server's read models were rebuilt, or the cursor belongs to another user or device)")
        }
        guard (cursor.transactionID, cursor.seq) >= (feed.prunedTransactionID, feed.prunedSeq) else {
            throw CommandError(.resyncRequired, "the changes since this cursor were pruned; pull without a cursor")
        }
        // Every cursor position lies below the xmin of the snapshot that read it, and xmin only
        // grows; one above it comes from another database (a restore): start over.
        guard cursor.transactionID < feed.xmin else {
            throw CommandError(.resyncRequired, "the cursor is ahead of this database's change feed; pull without a cursor")
        }
        if cursor.snapshotEntity != nil {
            return (try await snapshotPage(identity: identity, cursor: cursor, reset: false, limit: limit, feed: feed, on: connection), false)
        }
        let rows = try await connection.execute(
            ChangesPageStatement(
                tenant: identity.tenantID.rawValue, user: identity.userID.rawValue, afterTransaction: cursor.transactionID, seq: cursor.seq,
                limit: limit),
            logger: logger)
        var order: [(SyncEntity, String)] = []
        var count = 0
        for try await row in rows {
            let (transaction, seq, entity, key) = try row.decode((String, Int64, String, String).self)
            count += 1
            cursor.transactionID = UInt64(transaction) ?? cursor.transactionID
            cursor.seq = seq
            if let entity = SyncEntity(rawValue: entity) { order.append((entity, key)) }
        }
        let changes = try await currentRows(of: order, identity: identity, on: connection)
        let hasMore = count == limit
        var heldBack = false
        if !hasMore {
            cursor.included = try await includedSeq(identity: identity, previous: cursor.included, feed: feed, on: connection)
            heldBack = try await hasHeldBackChanges(identity: identity, after: cursor, on: connection)
        }
        return (PullPage(changes: changes, cursor: cursors.encode(cursor), hasMore: hasMore, reset: false, includedSeq: cursor.included), heldBack)
    }

    /// Whether committed changes of the user wait behind the snapshot's xmin.
    private func hasHeldBackChanges(identity: Identity, after cursor: SyncCursor, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.execute(
            HeldBackStatement(
                tenant: identity.tenantID.rawValue, user: identity.userID.rawValue, afterTransaction: cursor.transactionID, seq: cursor.seq),
            logger: logger)
        for try await row in rows { return try row.decode(Bool.self) }
        return false
    }

    private func snapshotPage(
        identity: Identity, cursor start: SyncCursor, reset: Bool, limit: Int, feed: FeedState, on connection: PostgresConnection
    ) async throws -> PullPage {
        var cursor = start
        var changes: [PullPage.RawChange] = []
        while let index = cursor.snapshotEntity, Self.entities.indices.contains(index), changes.count < limit {
            let query = Self.entities[index]
            let remaining = limit - changes.count
            var binds = PostgresBindings()
            binds.append(identity.tenantID.rawValue)
            binds.append(identity.userID.rawValue)
            let sql: String
            if let key = cursor.snapshotKey {
                let parts = key.split(separator: ":", omittingEmptySubsequences: false).map { UUID(uuidString: String($0)) }
                guard parts.count == query.keyColumns.count else { throw CursorSigner.notIssued }
                for part in parts {
                    guard let part else { throw CursorSigner.notIssued }
                    binds.append(part)
                }
                sql = query.pageSQL(after: true)
            } else {
                sql = query.pageSQL(after: false)
            }
            binds.append(remaining)
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            var got = 0
            for try await (key, json) in rows.decode((String, String).self) {
                got += 1
                changes.append(PullPage.RawChange(entity: query.entity, key: key, row: json))
                cursor.snapshotKey = key
            }
            if got < remaining {
                cursor.snapshotEntity = index + 1 < Self.entities.count ? index + 1 : nil
                cursor.snapshotKey = nil
            }
        }
        return PullPage(changes: changes, cursor: cursors.encode(cursor), hasMore: true, reset: reset, includedSeq: cursor.included)
    }

    /// The current state of each changed key (last change wins the order), or tombstones.
    private func currentRows(of order: [(SyncEntity, String)], identity: Identity, on connection: PostgresConnection) async throws -> [PullPage.RawChange] {
        guard !order.isEmpty else { return [] }
        var lastIndex: [String: Int] = [:]
        for (index, (entity, key)) in order.enumerated() { lastIndex["\(entity.rawValue)/\(key)"] = index }
        var rows: [String: String] = [:]
        let byEntity = Dictionary(grouping: order, by: { $0.0 })
        for query in Self.entities {
            guard let keys = byEntity[query.entity].map({ Array(Set($0.map(\.1))) }) else { continue }
            var binds = PostgresBindings()
            binds.append(identity.tenantID.rawValue)
            binds.append(identity.userID.rawValue)
            binds.append(keys)
            let result = try await connection.query(PostgresQuery(unsafeSQL: query.byKeysSQL, binds: binds), logger: logger)
            for try await (key, json) in result.decode((String, String).self) {
                rows["\(query.entity.rawValue)/\(key)"] = json
            }
        }
        return lastIndex.sorted { $0.value < $1.value }.map { id, index in
            let (entity, key) = order[index]
            return PullPage.RawChange(entity: entity, key: key, row: rows[id])
        }
    }

    /// The highest sequence number of the device (of this tenant and user) up to which every
    /// mutation is either rejected or applied by each projection that reads its events, in a
    /// transaction below the snapshot's xmin (so the changes it caused are in the pages up to
    /// here); never less than `previous`, never more than the device's highest answered number.
    private func includedSeq(identity: Identity, previous: Int64, feed: FeedState, on connection: PostgresConnection) async throws -> Int64 {
        let device = SyncDevice(identity)
        var checkpoints: [String: (transaction: UInt64, position: Int64, settled: Bool)] = [:]
        for try await row in try await connection.execute(CheckpointsStatement(), logger: logger) {
            let (name, transaction, position, settled) = try row.decode((String, String, Int64, Bool).self)
            checkpoints[name] = (UInt64(transaction) ?? 0, position, settled)
        }
        // The device's highest answered number, and its answers above the number to start from:
        // the cursor's, which is this server's own and can exceed what the device has answered
        // only if answers were lost (a restore): never claim more than was answered.
        let mutations = try await connection.execute(DeviceAnswersStatement(device, above: previous), logger: logger)
        var included: Int64?
        for try await row in mutations {
            let (last, seq, status, transaction, position, storedTypes) = try row.decode((Int64, Int64?, String?, String?, Int64?, [String]?).self)
            if included == nil { included = min(previous, last) }
            guard let seq, let status else { break }
            let types = storedTypes ?? []
            if status == "applied", let transaction = transaction.flatMap(UInt64.init), let position {
                let readers = projections.filter { projection in projection.eventTypes.map { !Set($0).isDisjoint(with: types) } ?? true }
                let applied = readers.allSatisfy { projection in
                    guard let checkpoint = checkpoints[projection.name], checkpoint.settled else { return false }
                    return (checkpoint.transaction, checkpoint.position) >= (transaction, position)
                }
                guard applied else { break }
            }
            included = seq
        }
        return included ?? min(previous, 0)
    }

    struct FeedState {
        var epoch: Int64
        var prunedTransactionID: UInt64
        var prunedSeq: Int64
        var xmin: UInt64
        /// The node's WAL position read after the snapshot was taken: at or past the commit
        /// record of every transaction the snapshot sees.
        var walPosition: UInt64?
    }

    private func feedState(on connection: PostgresConnection) async throws -> FeedState {
        // The transaction's first statement that needs a snapshot: it takes it before the
        // functions run, so the WAL position is at or past everything the snapshot sees.
        for try await row in try await connection.execute(FeedStateStatement(), logger: logger) {
            let (epoch, pruned, seq, xmin, position) = try row.decode((Int64, String, Int64, String, String?).self)
            return FeedState(
                epoch: epoch, prunedTransactionID: UInt64(pruned) ?? 0, prunedSeq: seq, xmin: UInt64(xmin) ?? 1,
                walPosition: position.flatMap(WALPosition.parse))
        }
        throw CommandError(.unavailable, "the change feed is not set up; run synccli migrate")
    }

}
