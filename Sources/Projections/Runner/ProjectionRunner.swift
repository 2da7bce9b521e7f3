import Basics
import EventStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Keeps one projection's live tables up to date, as the only runner across every instance.
///
/// The runner opens a dedicated connection, takes the projection's advisory-lock lease on it
/// (standing by while another instance holds it), and then applies new events in batches. Each
/// batch runs in one transaction on the lease connection that first locks the checkpoint row and
/// checks it still stands where the runner thinks, then writes the rows and the new checkpoint:
/// a batch is applied once or not at all, whatever crashes. An event the projection cannot apply
/// is isolated (the batch is retried one event at a time), recorded, and stops this projection
/// only, until an operator retries or skips it.
public struct ProjectionRunner: Service {
    /// The projection this runner applies.
    public let projection: any Projection
    let store: EventStore
    let database: DatabaseURL
    let options: ProjectionRunnerOptions
    let logger: Logger
    /// The wait before starting over after a failure: 200 ms, doubling up to 3 s.
    static let backoff = Backoff(base: .milliseconds(200), cap: .seconds(3))

    /// Creates a runner.
    /// - Parameters:
    ///   - projection: What to apply.
    ///   - store: Where events are read.
    ///   - database: Where the lease connection goes (the store's database).
    ///   - options: Batching, timings and the rebuild-at-start rule.
    ///   - logger: Where the runner logs.
    public init(
        projection: any Projection, store: EventStore, database: DatabaseURL, options: ProjectionRunnerOptions = ProjectionRunnerOptions(), logger: Logger
    ) {
        self.projection = projection
        self.store = store
        self.database = database
        self.options = options
        var logger = logger
        logger[metadataKey: "projection"] = "\(projection.name)"
        self.logger = logger
    }

    /// Runs until the service group shuts down gracefully or the task is cancelled: stands by,
    /// leads, and starts over after any failure.
    ///
    /// A graceful shutdown stops the runner at a batch boundary: a batch being applied finishes
    /// (commits, or rolls back on its own failure), then the runner releases its lease and
    /// returns; waits (for a commit, the lease, an operator) end at once, and a rebuild at start is
    /// cancelled. Cancellation stops it wherever it is; an open batch then rolls back.
    public func run() async throws {
        await runLoop()
    }

    /// Whether the runner should stop: its task is cancelled, or its service group shuts down.
    static var shouldStop: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    /// Waits for `duration`, or less when the runner should stop.
    /// - Throws: `CancellationError` when it should.
    func pause(for duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }

    func runLoop() async {
        var failures = 0
        while !Self.shouldStop {
            do {
                try await runOnce()
                failures = 0
            } catch {
                if Self.shouldStop || error is CancellationError { return }
                failures += 1
                logger.warning("projection runner lost its connection or failed; starting over", metadata: ["error": "\(String(reflecting: error))"])
                try? await pause(for: Self.backoff.delay(retry: failures - 1))
            }
        }
    }

    /// One life of a lease: connect, stand by until leading, lead until something breaks.
    func runOnce() async throws {
        let lease = try await ProjectionLease.connect(to: database, purpose: .live, name: projection.name, logger: logger)
        var held = false
        do {
            while try await !guarded("taking the lease", { try await lease.tryAcquire(logger: logger) }) {
                try await pause(for: options.leaseRetryInterval)
            }
            held = true
            logger.info("took the projection lease; applying events")
            try await lead(on: lease.connection)
        } catch {
            await lease.close(logger: logger)
            logStop(held: held)
            throw error
        }
        await lease.close(logger: logger)
        logStop(held: held)
    }

    /// Tells the operator, during a graceful shutdown, that this runner let its lease go.
    private func logStop(held: Bool) {
        guard held, Task.isShuttingDownGracefully else { return }
        logger.notice("projection runner stopped: batch in flight committed or rolled back, lease released")
    }

    /// Applies events while holding the lease on `connection`, until the runner should stop.
    func lead(on connection: PostgresConnection) async throws {
        while !Self.shouldStop {
            var checkpoint = try await guarded("preparing the tables") {
                try await ProjectionSetup.prepare(projection, on: connection, logger: logger)
            }
            if checkpoint.version != projection.version {
                guard checkpoint.version < projection.version else {
                    logger.error(
                        "the live tables were built by a newer version of this projection; not applying",
                        metadata: [
                            "projection.stored_version": "\(checkpoint.version)", "projection.code_version": "\(projection.version)",
                        ])
                    try await pause(for: .seconds(30))
                    continue
                }
                guard options.rebuildOnVersionChange else {
                    logger.warning(
                        "the projection's code version changed; run `synccli projections rebuild \(projection.name)`",
                        metadata: [
                            "projection.stored_version": "\(checkpoint.version)", "projection.code_version": "\(projection.version)",
                        ])
                    try await pause(for: .seconds(30))
                    continue
                }
                logger.info(
                    "the projection's code version changed; rebuilding blue/green",
                    metadata: [
                        "projection.stored_version": "\(checkpoint.version)", "projection.code_version": "\(projection.version)",
                    ])
                let rebuilder = ProjectionRebuilder(projection: projection, store: store, database: database, options: options, logger: logger)
                _ = try await cancelWhenGracefulShutdown { try await rebuilder.rebuild() }
                continue
            }
            if checkpoint.state == .failed {
                try await pause(for: options.failedPollInterval)
                continue
            }
            checkpoint = try await follow(from: checkpoint, on: connection)
        }
    }

    /// Reads the log after `checkpoint` and applies it in batches until the checkpoint moves
    /// underneath (a rebuild, reset, retry or skip), the projection fails, or the runner should
    /// stop (checked between batches: a batch once started is finished).
    ///
    /// While caught up it waits for a commit notification (or the store's poll interval) and, each
    /// time, checks that its checkpoint row has not been changed by an operator, so an idle runner
    /// reacts to a reset or a skip within a second.
    func follow(from checkpoint: ProjectionCheckpoint, on connection: PostgresConnection) async throws -> ProjectionCheckpoint {
        let filter = LogFilter(eventTypes: projection.eventTypes)
        var expected = checkpoint.position
        // Where to read next: the checkpoint, or past events this projection does not read (kept
        // in memory only, so an idle projection does not write a checkpoint per commit).
        var readFrom = checkpoint.position
        var stored = checkpoint
        // Idle work per commit is kept small: the skip-ahead horizon and the operator check run at
        // most every `idleCheckInterval`, not on every wake-up.
        let clock = ContinuousClock()
        var lastHorizon = clock.now - options.idleCheckInterval
        var lastCheck = clock.now
        var lastSkipSave = clock.now
        while !Self.shouldStop {
            let generation = await store.commitGeneration()
            let from = expected
            let scanFrom = max(readFrom, expected)
            let skipAhead = clock.now - lastHorizon >= options.idleCheckInterval
            if skipAhead { lastHorizon = clock.now }
            let page = try await guarded("reading the log after \(scanFrom)") {
                try await store.readAll(after: scanFrom, limit: options.batchSize, filter: filter, skipAhead: skipAhead)
            }
            readFrom = page.next
            guard !page.events.isEmpty else {
                if readFrom > expected, clock.now - lastSkipSave >= options.skipSaveInterval {
                    lastSkipSave = clock.now
                    let (name, from, to) = (projection.name, expected, readFrom)
                    let saved = try await guarded("storing the position read up to") {
                        try await ProjectionCatalog.skip(name, from: from, to: to, on: connection, logger: logger)
                    }
                    guard saved else {
                        logger.info("the checkpoint moved (rebuild, reset or skip); reloading")
                        return checkpoint
                    }
                    expected = to
                    stored.position = to
                }
                if clock.now - lastCheck >= options.idleCheckInterval {
                    lastCheck = clock.now
                    let name = projection.name
                    let current = try await guarded("reading the checkpoint") {
                        try await ProjectionCatalog.checkpoint(of: name, on: connection, logger: logger)
                    }
                    guard let current, current.position == expected, current.version == stored.version, current.state == .running else {
                        logger.info("the checkpoint moved (rebuild, reset or skip); reloading")
                        return checkpoint
                    }
                    stored = current
                }
                let store = store
                await cancelWhenGracefulShutdown {
                    await store.waitForCommit(after: generation, timeout: store.configuration.pollInterval)
                }
                continue
            }
            let events = page.events
            let outcome = try await guarded("applying a batch of \(events.count) events") {
                try await BatchApplier.applyLive(events, projection: projection, expected: from, on: connection, logger: logger)
            }
            switch outcome {
            case .applied(let last):
                expected = last.logPosition
            case .checkpointMoved:
                logger.info("the checkpoint moved (rebuild, reset or skip); reloading")
                return checkpoint
            case .failed:
                try await isolateFailure(in: events, expected: from, on: connection)
                return checkpoint
            }
        }
        return checkpoint
    }

    /// Applies `batch` one event at a time to find the one that fails; records it.
    func isolateFailure(in batch: [RecordedEvent], expected: LogPosition, on connection: PostgresConnection) async throws {
        var expected = expected
        for event in batch {
            let from = expected
            let outcome = try await guarded("applying event \(event.logPosition)") {
                try await BatchApplier.applyLive([event], projection: projection, expected: from, on: connection, logger: logger)
            }
            switch outcome {
            case .applied(let last):
                expected = last.logPosition
            case .checkpointMoved:
                return
            case .failed(let error):
                let message = BatchApplier.describe(error)
                try await guarded("recording a failure") {
                    try await BatchApplier.recordFailure(of: projection.name, at: event, message: message, expected: from, on: connection, logger: logger)
                }
                logger.error(
                    "projection stopped at an event it cannot apply; `synccli projections retry` or `skip` it",
                    metadata: [
                        "event.position": "\(event.logPosition)", "event.type": "\(event.type)", "error": "\(error)",
                    ])
                return
            }
        }
    }

    /// Runs one database step with ``ProjectionRunnerOptions/operationTimeout``.
    ///
    /// A query on a connection the server terminated can, rarely, never be answered by the
    /// driver; the deadline turns that into an error, and the runner starts over on a new
    /// connection (the old backend, and with it the lease, is gone).
    @discardableResult
    func guarded<Value: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        guard let value = try await Deadline.attempt(timeout: options.operationTimeout, body) else {
            throw ProjectionError(.database, "\(what) took longer than \(options.operationTimeout); starting over on a new connection")
        }
        return value
    }
}
