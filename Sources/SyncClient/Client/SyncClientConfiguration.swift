import Logging

/// How a ``SyncClient`` is set up.
public struct SyncClientConfiguration: Sendable {
    /// The replica file (created and migrated when missing).
    public var databasePath: String
    /// The server's base URL, for example `https://sync.example.com`. `nil` uses the URL stored in
    /// the replica by an earlier run; a given URL is stored for later runs.
    public var serverURL: String?
    /// The library's logger (messages are constant; details go in `sync.*` metadata).
    public var logger: Logger
    /// Backoff for transient failures and live reconnects.
    public var retryPolicy: RetryPolicy
    /// The deadline of each HTTP request.
    public var requestTimeout: Duration
    /// Rows asked for by the first page of a pull (1…5000).
    public var pullLimit: Int
    /// The most rows asked for per page while the server says more is waiting (a snapshot, or a
    /// replica far behind): from ``pullLimit`` the page size doubles after each such page up to
    /// this (``pullLimit``…5000, the server's largest page).
    public var catchUpPullLimit: Int
    /// Whether each pull page is committed with a full fsync (`PRAGMA synchronous = FULL`, the
    /// replica's setting for local mutations). By default (`false`) pull pages are committed with
    /// `NORMAL`: a power loss may roll back the last pages with their cursor, and the next sync
    /// pulls them again; an application crash loses nothing either way.
    public var durablePullPages = false
    /// The transport; `nil` uses ``NetworkTransport`` over ``NetworkTransport/sharedClient``.
    public var transport: (any SyncTransport)?
    /// Called once for each mutation the server rejects, after its effect was rolled back.
    public var onRejection: (@Sendable (Rejection) -> Void)?
    /// Called whenever ``SyncClient/state`` changes.
    public var onStateChange: (@Sendable (SyncState) -> Void)?
    /// How often ``SyncClient/run()`` also syncs while its live socket is quiet: a safety net for a
    /// poke whose pull found the change still held back by an open transaction on the server.
    public var livePollInterval: Duration = .seconds(30)

    /// Creates a configuration.
    /// - Parameters:
    ///   - databasePath: The replica file.
    ///   - serverURL: The server's base URL, or `nil` to use the stored one.
    ///   - logger: The library's logger.
    ///   - retryPolicy: Backoff for transient failures (default ``RetryPolicy/standard``).
    ///   - requestTimeout: The deadline of each request (default 30 s).
    ///   - pullLimit: Rows asked for by the first page of a pull (default 500).
    ///   - catchUpPullLimit: The most rows per page while more is waiting (default 5000; at least `pullLimit`).
    ///   - transport: The transport (default ``NetworkTransport``).
    ///   - onRejection: Called for each rejected mutation.
    ///   - onStateChange: Called on each state change.
    public init(
        databasePath: String,
        serverURL: String? = nil,
        logger: Logger = Logger(label: "tidemark.sync-client"),
        retryPolicy: RetryPolicy = .standard,
        requestTimeout: Duration = .seconds(30),
        pullLimit: Int = 500,
        catchUpPullLimit: Int = 5000,
        transport: (any SyncTransport)? = nil,
        onRejection: (@Sendable (Rejection) -> Void)? = nil,
        onStateChange: (@Sendable (SyncState) -> Void)? = nil
    ) {
        self.databasePath = databasePath
        self.serverURL = serverURL
        self.logger = logger
        self.retryPolicy = retryPolicy
        self.requestTimeout = requestTimeout
        self.pullLimit = min(max(pullLimit, 1), 5000)
        self.catchUpPullLimit = min(max(catchUpPullLimit, self.pullLimit), 5000)
        self.transport = transport
        self.onRejection = onRejection
        self.onStateChange = onStateChange
    }
}
