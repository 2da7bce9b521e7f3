import Commands
import EventStore
import Outbox
import Projections
import PushProviders
import SyncProtocol

/// How the sync server runs: where it listens, which database it uses, what it does at start.
public struct ServerConfiguration: Sendable {
    /// The address to bind, for example `127.0.0.1` or `0.0.0.0`.
    public var host: String
    /// The TCP port (0 picks a free one, for tests).
    public var port: Int
    /// The database.
    public var databaseURL: DatabaseURL
    /// The pool size.
    public var maximumConnections: Int
    /// Apply migrations before the server accepts requests.
    public var migrateOnStart: Bool
    /// The largest request body accepted, in bytes.
    public var maxRequestBodyBytes: Int

    /// Run the projection runners in this process (each applies only while it holds its lease,
    /// so any number of instances may run them).
    public var runProjections: Bool
    /// Rebuild, blue/green, a projection whose code version differs from its live tables', at start.
    public var rebuildProjectionsOnVersionChange: Bool

    /// The secret that signs access tokens (at least 32 bytes), shared by every instance; `nil`
    /// makes a random one, so tokens die with the process (development only).
    public var tokenSecret: [UInt8]?
    /// Token lifetimes, sign-in throttling, registration and refresh limits.
    public var auth: AuthOptions = AuthOptions()
    /// Per-device limits on pushes and pulls (in each instance's memory).
    public var syncRateLimits: SyncRateLimits = SyncRateLimits()
    /// bcrypt cost for new passwords.
    public var passwordCost: Int = 10
    /// Threads of the pool that checks and hashes passwords (``PasswordHasher``); `nil`: one per
    /// core (``PasswordHasher/defaultThreads``).
    public var passwordThreads: Int?
    /// The nice value (0-19) of those threads on Linux (``PasswordHasher/serverNice``): above 0,
    /// the process's threads serving other requests are scheduled before bcrypt.
    public var passwordNice: Int = PasswordHasher.serverNice
    /// A cgroup directory (Linux) the password threads move into at start (`PasswordHasher`'s
    /// `cgroup`), so that bcrypt is weighed as a group of its own, with that cgroup's CPU weight,
    /// instead of as part of the server process; `nil` (default): none. See docs/operations.md.
    public var passwordCgroup: String?
    /// The most mutations in one push.
    public var maxPushBatch: Int = 100
    /// The most groups of pushes applied at once; pushes of other devices arriving while all are
    /// busy wait and are combined into one transaction (see `PushCombiner`).
    public var pushCombinedGroups: Int = 4
    /// How long an HTTP request may take before it is answered `503 unavailable` and its handler
    /// cancelled (WebSockets are exempt).
    public var requestDeadline: Duration = .seconds(20)
    /// The largest request head, how long a head may take, how long a connection may stay idle.
    public var connectionLimits: ConnectionLimits = ConnectionLimits()
    /// The oldest sync protocol version served; older clients get `426 upgrade_required`.
    public var minimumProtocolVersion: ProtocolVersion = .current
    /// The projections the server runs: the read models and the push outbox.
    public var projections: [any Projection] = ReadModels.all + [PushOutboxProjection()]
    /// Push providers; a dispatcher runs only for channels listed here (none: no pushes are sent,
    /// deliveries wait in the outbox). The application built from this configuration shuts them
    /// down when it stops.
    public var pushProviders: [any PushProvider] = []
    /// Push dispatchers per server instance.
    public var pushDispatchers: Int = 1
    /// How dispatchers claim, send and retry.
    public var pushOptions: PushDispatcherOptions = PushDispatcherOptions()
    /// Most active devices per user.
    public var maxDevicesPerUser: Int = 20
    /// How often the log's and the projections' gauges of `/metrics` are read from the database
    /// (zero: never).
    public var metricsSampleInterval: Duration = .seconds(5)
    /// A database pull pages may be read from instead of the primary: a hot standby of
    /// ``databaseURL`` (or the primary itself); `nil` reads everything from the primary. Only pull
    /// pages use it, and only when it has replayed what the cursor has seen (docs/architecture/sync.md).
    public var readDatabaseURL: DatabaseURL?
    /// How long one pull page may take on the read database before the primary answers instead.
    public var standbyReadTimeout: Duration = .seconds(2)
    /// How long the read database is left alone after it failed or timed out.
    public var standbyRetryPause: Duration = .seconds(5)
    /// How long a pull page waits for the read database to replay what the primary had flushed
    /// when the request began (and what the cursor has seen) before the primary answers.
    public var standbyCatchUpWait: Duration = .milliseconds(100)
    /// How long a sign-in or registration may take (when longer than ``requestDeadline``): their
    /// password check waits in the ``PasswordHasher``'s bounded queue, which refuses at once when full.
    public var passwordRequestDeadline: Duration = .seconds(20)

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databaseURL: DatabaseURL,
        maximumConnections: Int = 20,
        migrateOnStart: Bool = true,
        maxRequestBodyBytes: Int = 2 << 20,
        runProjections: Bool = true,
        rebuildProjectionsOnVersionChange: Bool = true
    ) {
        self.runProjections = runProjections
        self.rebuildProjectionsOnVersionChange = rebuildProjectionsOnVersionChange
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.maximumConnections = maximumConnections
        self.migrateOnStart = migrateOnStart
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }
}
