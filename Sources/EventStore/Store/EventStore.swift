import Logging
import PostgresNIO
import ServiceLifecycle

/// The append-only event log on PostgreSQL: the source of truth of every Tidemark write.
///
/// An `EventStore` is a cheap `Sendable` value around a running `PostgresClient`. Add ``services``
/// to the same `ServiceGroup` as the client so that subscribers are woken by LISTEN/NOTIFY right
/// after commits; without them subscribers still work by polling.
///
/// ```swift
/// let store = EventStore(client: client, logger: logger)
/// try await store.migrate()
/// let result = try await store.append(to: StreamName("todo-1"), expected: .noStream, events: [event])
/// ```
public struct EventStore: Sendable {
    /// The connection pool.
    public let client: PostgresClient
    /// Limits and timings.
    public let configuration: EventStoreConfiguration
    /// Where the store logs.
    public let logger: Logger
    /// Sends a coalesced NOTIFY after commits of this process.
    let notifier: CommitNotifier
    /// Receives NOTIFYs of every process and wakes subscribers.
    let listener: LogListener
    /// Lets concurrent appends share statements; `nil` when ``EventStoreConfiguration/appendStatements`` is 0.
    let coalescer: AppendCoalescer?
    /// Where appends and connection leases are counted (nowhere by default).
    public let metrics: EventStoreMetrics

    /// Creates a store over a client that is (or will be) running.
    /// - Parameters:
    ///   - client: The PostgreSQL pool; its `run()` must be running for any call to proceed.
    ///   - configuration: Limits and timings.
    ///   - logger: The store's logger.
    ///   - metrics: Where appends and connection leases are counted (by default nowhere).
    public init(
        client: PostgresClient, configuration: EventStoreConfiguration = EventStoreConfiguration(), logger: Logger,
        metrics: EventStoreMetrics = .none
    ) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.notifier = CommitNotifier(client: client, channel: NotifyChannel(name: configuration.notifyChannel), logger: logger)
        self.listener = LogListener(client: client, channel: NotifyChannel(name: configuration.notifyChannel), logger: logger)
        self.coalescer =
            configuration.appendStatements > 0
            ? AppendCoalescer(
                bound: AppendInFlight(
                    statementLimit: configuration.appendStatements, anySize: configuration.appendStatementsAnySize,
                    minEvents: configuration.appendStatementMinEvents,
                    eventLimit: configuration.appendEventsInFlight, eventsPerStatement: configuration.maxCoalescedEvents
                ),
                statementDeadline: configuration.appendStatementDeadline, client: client, logger: logger
            )
            : nil
    }

    /// Leases a pooled connection for `body`, counted in ``metrics`` (callers waiting, connections
    /// in use, the wait): use it instead of `client.withConnection` for work that holds a
    /// connection across several statements.
    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await metrics.withConnection(from: client, body)
    }

    /// Background services that deliver commit notifications: run them next to the client.
    public var services: [any Service] { [notifier, listener] }

    /// Applies the event store's migrations (and `additional` ones of other components).
    /// - Parameter additional: Migrations of other components to apply in the same run.
    /// - Returns: What was applied.
    @discardableResult
    public func migrate(additional: [Migration] = []) async throws(EventStoreError) -> MigrationReport {
        try await Migrator(migrations: EventStoreMigrations.all + additional).migrate(client: client, logger: logger)
    }
}
