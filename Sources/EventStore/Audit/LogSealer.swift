import Basics
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Advances the tamper-evident chain over the log (``LogSeal``), as the only sealer across every
/// instance.
///
/// Like a projection runner, the sealer opens a dedicated connection, takes an advisory-lock lease
/// on it (standing by while another instance holds it), and then seals new events in blocks of up
/// to ``Options/blockSize``, in gap-free order, one `INSERT … SELECT` per block on the lease
/// connection: a block is written whole or not at all, and a lost lease cannot be followed by a
/// write. Every database call runs under a deadline (postgres-nio can lose the answer of a query on
/// a connection the server ended), after which the sealer starts over on a new connection.
public struct LogSealer: Service {
    /// How the sealer batches and waits.
    public struct Options: Sendable {
        /// Most events per block (1-100,000).
        public var blockSize: Int
        /// The wait between looks at the log when nothing was left to seal.
        public var idleInterval: Duration
        /// The wait between tries for the lease while another instance holds it.
        public var leaseRetryInterval: Duration
        /// The longest one database call may take before the sealer starts over.
        public var operationTimeout: Duration

        /// Creates options; the defaults suit a server.
        public init(
            blockSize: Int = 10_000, idleInterval: Duration = .milliseconds(500), leaseRetryInterval: Duration = .seconds(1),
            operationTimeout: Duration = .seconds(60)
        ) {
            self.blockSize = min(max(blockSize, 1), 100_000)
            self.idleInterval = idleInterval
            self.leaseRetryInterval = leaseRetryInterval
            self.operationTimeout = operationTimeout
        }
    }

    /// The advisory lock keys of the seal lease (`pg_try_advisory_lock(int4, int4)`).
    public static let leaseKeys: (Int32, Int32) = (0x7464_0010, 0)
    /// The wait before starting over after a failure: 200 ms, doubling up to 5 s.
    static let backoff = Backoff(base: .milliseconds(200), cap: .seconds(5))

    let database: DatabaseURL
    let options: Options
    let logger: Logger

    /// Creates a sealer.
    /// - Parameters:
    ///   - database: The log's database (the sealer opens its own lease connection).
    ///   - options: Batching and timings.
    ///   - logger: Where the sealer logs.
    public init(database: DatabaseURL, options: Options = Options(), logger: Logger) {
        self.database = database
        self.options = options
        var logger = logger
        logger[metadataKey: "component"] = "sealer"
        self.logger = logger
    }

    /// Runs until the service group shuts down gracefully or the task is cancelled: stands by,
    /// seals, and starts over after any failure. A block being written finishes or rolls back.
    public func run() async throws {
        var failures = 0
        while !Self.shouldStop {
            do {
                try await runOnce()
                failures = 0
            } catch {
                if Self.shouldStop || error is CancellationError { return }
                failures += 1
                logger.warning("log sealer lost its connection or failed; starting over", metadata: ["error": "\(String(reflecting: error))"])
                try? await pause(for: Self.backoff.delay(retry: failures - 1))
            }
        }
    }

    /// Seals every event that is safe to read now, in this process, and returns what it did.
    ///
    /// Takes the lease first; when another process holds it (a running server), waits for that
    /// sealer instead until every event that was safe to read at the start is sealed, or until
    /// `timeout` passes.
    /// - Parameter progress: Called after each block with the events sealed so far and the events
    ///   that were left to seal at the start.
    public func sealAvailable(timeout: Duration = .seconds(120), progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> LogSealReport {
        let started = ContinuousClock.now
        let connection = try await connect()
        defer { Self.close(connection, logger: logger) }
        if try await guarded("taking the seal lease", { try await Self.tryAcquire(on: connection, logger: logger) }) {
            var head = try await guarded("reading the chain's head") { try await LogSealHead.read(on: connection, logger: logger) }
            let start = head.last
            let total = try await guarded("counting the events to seal") { try await LogSealHead.unsealed(after: start, on: connection, logger: logger) }
            var sealed = 0
            var blocks = 0
            while true {
                let current = head
                guard let next = try await guarded("sealing a block", { try await seal(after: current, on: connection) }) else { break }
                head = next.head
                sealed += next.count
                blocks += 1
                progress(sealed, total)
            }
            return LogSealReport(sealedNow: sealed, blocksNow: blocks, head: head, waitedForHolder: false)
        }
        logger.notice("another process holds the seal lease; waiting for it to seal every event readable now")
        let target = try await guarded("reading the log's horizon") { try await LogSealHead.readableEnd(on: connection, logger: logger) }
        while true {
            let head = try await guarded("reading the chain's head") { try await LogSealHead.read(on: connection, logger: logger) }
            if target == nil || head.last >= (target ?? .start) {
                return LogSealReport(sealedNow: 0, blocksNow: 0, head: head, waitedForHolder: true)
            }
            if ContinuousClock.now - started > timeout {
                throw EventStoreError(.database, "the process holding the seal lease did not seal the log within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    static var shouldStop: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    func pause(for duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }

    /// One life of a lease: connect, stand by until leading, seal until something breaks.
    func runOnce() async throws {
        let connection = try await connect()
        defer { Self.close(connection, logger: logger) }
        while try await !guarded("taking the seal lease", { try await Self.tryAcquire(on: connection, logger: logger) }) {
            try await pause(for: options.leaseRetryInterval)
        }
        var head = try await guarded("reading the chain's head") { try await LogSealHead.read(on: connection, logger: logger) }
        logger.info("took the seal lease; sealing the log", metadata: ["seal.block": "\(head.block)", "seal.last": "\(head.last)"])
        while !Self.shouldStop {
            let current = head
            if let next = try await guarded("sealing a block", { try await seal(after: current, on: connection) }) {
                head = next.head
                logger.debug("sealed a block", metadata: ["seal.block": "\(head.block)", "seal.events": "\(next.count)"])
            } else {
                try await pause(for: options.idleInterval)
            }
        }
        logger.notice("log sealer stopped: block in flight written or rolled back, lease released")
    }

    /// Seals the next block after `head`; returns the new head and the block's event count, or
    /// `nil` when nothing is left to seal.
    func seal(after head: LogSealHead, on connection: PostgresConnection) async throws -> (head: LogSealHead, count: Int)? {
        let query: PostgresQuery = """
            WITH batch AS MATERIALIZED (
                SELECT e.transaction_id, e.position, \(unescaped: LogSeal.eventDigestSQL) AS digest
                FROM events e
                WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                  AND (e.transaction_id, e.position) > (\(String(head.last.transactionID))::text::xid8, \(head.last.position)::int8)
                ORDER BY e.transaction_id, e.position
                LIMIT \(Int64(options.blockSize))::int8
            )
            INSERT INTO event_seals (block, last_transaction_id, last_position, event_count, positions, digests, hash)
            SELECT \(head.block + 1)::int8, l.transaction_id, l.position, a.n, a.positions, a.digests,
                   sha256(decode(\(Hex.encode(head.hash)), 'hex') || a.digests)
            FROM (SELECT count(*)::int4 AS n, array_agg(position ORDER BY transaction_id, position) AS positions,
                         string_agg(digest, ''::bytea ORDER BY transaction_id, position) AS digests FROM batch) AS a,
                 (SELECT transaction_id, position FROM batch ORDER BY transaction_id DESC, position DESC LIMIT 1) AS l
            RETURNING block, last_transaction_id::text, last_position, event_count, encode(hash, 'hex')
            """
        let rows = try await connection.query(query, logger: logger)
        for try await (block, transactionID, position, count, hash) in rows.decode((Int64, String, Int64, Int32, String).self) {
            guard let transaction = UInt64(transactionID), let hash = Hex.decode(hash) else {
                throw EventStoreError(.database, "the database returned a seal this build cannot read")
            }
            return (LogSealHead(block: block, hash: hash, last: LogPosition(transactionID: transaction, position: position)), Int(count))
        }
        return nil
    }

    func connect() async throws -> PostgresConnection {
        let process = ProcessInfo.processInfo.processIdentifier
        let configuration = try database.connectionConfiguration(applicationName: "tidemark-sealer@\(process)")
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger)
        } catch {
            throw EventStoreError.database(error, while: "connecting the log sealer")
        }
    }

    static func tryAcquire(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("SELECT pg_try_advisory_lock(\(leaseKeys.0), \(leaseKeys.1))", logger: logger)
        for try await held in rows.decode(Bool.self) { return held }
        return false
    }

    /// Releases the lease and closes the connection, under a deadline, without waiting for it.
    static func close(_ connection: PostgresConnection, logger: Logger) {
        guard !connection.isClosed else { return }
        Task {
            _ = await Deadline.run(timeout: .seconds(2)) {
                if let rows = try? await connection.query("SELECT pg_advisory_unlock_all()", logger: logger) {
                    _ = try? await rows.collect()
                }
                try? await connection.close()
            }
        }
    }

    func guarded<Value: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let value: Value?
        do { value = try await Deadline.attempt(timeout: options.operationTimeout, body) } catch let error as EventStoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw EventStoreError.database(error, while: what)
        }
        guard let value else {
            throw EventStoreError(.database, "\(what) took longer than \(options.operationTimeout); starting over on a new connection")
        }
        return value
    }
}
