import Foundation
import Logging
import SyncProtocol

/// The client replica of an app: a SQLite file holding the user's rows, a queue of local
/// mutations applied optimistically, and the sync loop that pushes the queue, pulls changes and
/// rebases what is still pending on top.
///
/// ```swift
/// let client = try await SyncClient(configuration: .init(databasePath: path, serverURL: "https://sync.example.com"))
/// try await client.login(tenantCode: "acme", username: "ana", password: secret, deviceName: "Ana's iPhone")
/// try await client.mutate(.todoCreate, args: .object(["todo_id": .string(id), "title": .string("Buy milk")]))
/// try await client.sync()
/// for try await todos in client.observe(.todos) { render(todos) }
/// ```
///
/// Local writes (``mutate(_:args:)``) and reads never touch the network and work offline. The
/// state (``state``) tells the app whether syncing runs, waits for the network, or needs the user.
public actor SyncClient {
    /// The configuration.
    let configuration: SyncClientConfiguration
    /// The replica file.
    let replica: Replica
    /// The transport.
    let transport: any SyncTransport
    /// The logger, with `sync.device_id` metadata.
    let logger: Logger
    /// The server's base URL, when known.
    var serverURL: String?
    /// The session (mirrors `sync_state`).
    var session: StoredSession?
    /// The running sync, which later callers join.
    var inFlightSync: Task<SyncReport, any Error>?
    /// The running token refresh, which later callers join (the refresh token is single use).
    var inFlightRefresh: Task<String, any Error>?

    /// What the sync loop is doing.
    public private(set) var state: SyncState

    /// Opens (creating and migrating if needed) the replica and restores the state of the last run.
    /// - Parameter configuration: Where the replica lives and how to reach the server.
    /// - Throws: ``SyncClientError`` `database` when the file cannot be opened, or
    ///   `invalid_configuration` for a server URL that is not `http(s)://`.
    public init(configuration: SyncClientConfiguration) async throws {
        let replica = try Replica(path: configuration.databasePath)
        var settings = try await replica.settings()
        if let url = configuration.serverURL {
            let normalized = try Self.normalizedServerURL(url)
            if settings[.serverURL] != normalized {
                try await replica.set([.serverURL: normalized])
                settings[.serverURL] = normalized
            }
        }
        var logger = configuration.logger
        logger[metadataKey: "sync.device_id"] = .string(settings[.deviceID] ?? "")
        self.configuration = configuration
        self.replica = replica
        self.transport = configuration.transport ?? NetworkTransport(logger: configuration.logger)
        self.logger = logger
        self.serverURL = settings[.serverURL]
        self.session = try await replica.session()
        self.state = Self.restoredState(settings)
    }

    /// Closes the replica file. The client cannot be used afterwards.
    public func close() throws {
        inFlightSync?.cancel()
        try replica.close()
    }

    /// A summary of the replica: state, pending mutations, cursor, last sync, rows per entity.
    public func status() async throws -> ReplicaStatus {
        try await replica.status(state: state)
    }

    /// Changes the state, stores its name, and tells the app.
    func setState(_ newState: SyncState) async {
        guard newState != state else { return }
        state = newState
        logger.debug("sync state changed", metadata: ["sync.state": .string(newState.description)])
        var values: [SyncStateStore.Key: String?] = [.state: newState.name]
        if newState == .upgradeRequired { values[.upgradeProtocol] = ProtocolVersion.current.description }
        do { try await replica.set(values) } catch {
            logger.warning("sync state not stored", metadata: ["sync.error": .string(String(describing: error))])
        }
        configuration.onStateChange?(newState)
    }

    /// The state a replica starts in, from what the last run stored.
    static func restoredState(_ settings: [SyncStateStore.Key: String]) -> SyncState {
        let stored = settings[.state]
        if stored == SyncState.upgradeRequired.name, settings[.upgradeProtocol] == ProtocolVersion.current.description {
            return .upgradeRequired
        }
        if stored == SyncState.reauthRequired.name { return .reauthRequired }
        return settings[.refreshToken] == nil ? .signedOut : .idle
    }

    /// Checks a server URL and drops a trailing slash.
    static func normalizedServerURL(_ url: String) throws -> String {
        var url = url.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > "https://".count else {
            throw SyncClientError(.invalidConfiguration, "the server URL must start with http:// or https://, got \(url)")
        }
        return url
    }

    /// The endpoints of the configured server.
    func api() throws -> APIClient {
        guard let serverURL else {
            throw SyncClientError(.invalidConfiguration, "no server URL: pass one in the configuration")
        }
        return APIClient(transport: transport, baseURL: serverURL, timeout: configuration.requestTimeout)
    }
}
