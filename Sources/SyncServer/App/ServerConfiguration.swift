import EventStore

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

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databaseURL: DatabaseURL,
        maximumConnections: Int = 20,
        migrateOnStart: Bool = true,
        maxRequestBodyBytes: Int = 2 << 20
    ) {
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.maximumConnections = maximumConnections
        self.migrateOnStart = migrateOnStart
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }
}
