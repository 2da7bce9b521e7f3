import AsyncHTTPClient
import Commands
import Domain
import EventStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Projections
import SyncProtocol
import SyncServer
import TidemarkTestSupport

/// One test's world: a fresh database, a real server on loopback, a command service for set-up,
/// and raw HTTP calls.
final class SyncHarness: Sendable {
    let server: TestServer
    let store: EventStore
    let commands: CommandService
    let logger: Logger
    private let clientTask: Task<Void, Never>

    private init(server: TestServer, store: EventStore, commands: CommandService, logger: Logger, clientTask: Task<Void, Never>) {
        self.server = server
        self.store = store
        self.commands = commands
        self.logger = logger
        self.clientTask = clientTask
    }

    /// Copies the server template (migrated, with every projection's tables), starts the server
    /// and a set-up client.
    static func start(configure: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in }) async throws -> SyncHarness {
        var logger = Logger(label: "sync-test")
        logger.logLevel = ProcessInfo.processInfo.environment["TIDEMARK_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let database = try await TestDatabase.create(prefix: "sync", from: .server)
        let client = PostgresClient(
            configuration: database.url.clientConfiguration(maximumConnections: 4, applicationName: "sync-test"), backgroundLogger: logger)
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let clientTask = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        let store = EventStore(client: client, logger: logger)
        let server = TestServer(database: database, logger: logger, configure: configure)
        try await server.start()
        try await eventually("every projection has created its tables") {
            let rows = try await client.query("SELECT count(*) FROM projection_checkpoints", logger: logger)
            for try await count in rows.decode(Int64.self) { return count == Int64(ReadModels.all.count + 1) }
            return false
        }
        return SyncHarness(server: server, store: store, commands: CommandService(store: store, passwordCost: 4), logger: logger, clientTask: clientTask)
    }

    /// Stops everything and drops the database.
    func finish() async {
        try? await server.stop()
        clientTask.cancel()
        // Bounded for the same reason as `TestServer.stop()`.
        let clientTask = clientTask
        if await Deadline.run(timeout: .seconds(20), { _ = await clientTask.value }) == nil {
            logger.error("the harness's database client did not stop within 20 s; abandoning it")
        }
        try? await server.database.drop()
    }

    /// Runs `body` with a started harness and always cleans up.
    static func with(
        configure: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in }, _ body: (SyncHarness) async throws -> Void
    ) async throws {
        let harness = try await start(configure: configure)
        try await withCleanUp {
            try await body(harness)
        } cleanUp: {
            await harness.finish()
        }
    }

    // MARK: - Set-up through the command service

    /// Creates a tenant with `code`.
    func createTenant(code: String) async throws -> TenantID {
        let id = TenantID()
        try await commands.createTenant(id, name: "Tenant \(code)", code: code, envelope: CommandEnvelope(principal: .system(tenantID: nil)))
        return id
    }

    /// Makes `user` an administrator of `tenant`.
    func makeAdmin(_ user: String, tenant: TenantID) async throws {
        guard let id = UserID(user) else { throw TestFailure("bad user id") }
        try await commands.execute(User.self, id: id, command: .grantRole(id, .admin), envelope: CommandEnvelope(principal: .system(tenantID: tenant)))
    }

    // MARK: - HTTP

    /// Calls the server.
    func call(
        _ method: Verb, _ path: String, body: (any Encodable)? = nil, token: String? = nil, headers: [(String, String)] = [],
        timeoutSeconds: Int64 = 60, via other: TestServer? = nil
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: (other ?? server).baseURL + path)
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Tidemark-Protocol", value: "1")
        // No idle keep-alive connections: a graceful server stop waits for open connections.
        request.headers.add(name: "Connection", value: "close")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeoutSeconds))
        let data = try await response.body.collect(upTo: 64 << 20)
        return HTTPAnswer(
            status: Int(response.status.code), body: Data(data.readableBytesView),
            retryAfter: response.headers.first(name: "Retry-After"), contentType: response.headers.first(name: "Content-Type"),
            requestID: response.headers.first(name: "X-Request-Id"),
            readSource: response.headers.first(name: "X-Tidemark-Read-Source")
        )
    }

    /// Registers `username` in the tenant with `code` and signs in from a new device.
    func signUp(_ username: String, tenantCode: String, password: String = "correct horse battery") async throws -> Session {
        let registered = try await call(
            .POST, "/v1/auth/register", body: RegisterRequest(tenantCode: tenantCode, username: username, email: "\(username)@example.com", password: password))
        guard registered.status == 201 else { throw TestFailure("register \(username): \(registered.status) \(registered.text)") }
        return try await signIn(username, tenantCode: tenantCode, password: password)
    }

    /// Signs in from a new device (or `device`).
    func signIn(_ username: String, tenantCode: String, password: String = "correct horse battery", device: String = UUID().uuidString) async throws -> Session
    {
        let answer = try await call(
            .POST, "/v1/auth/login", body: LoginRequest(tenantCode: tenantCode, username: username, password: password, deviceID: device))
        guard answer.status == 200 else { throw TestFailure("login \(username): \(answer.status) \(answer.text)") }
        return Session(harness: self, tokens: try answer.decode(TokenResponse.self))
    }
}

/// An HTTP method.
enum Verb: String, Sendable {
    case GET, POST, PUT, PATCH, DELETE
}

/// A signed-in device: pushes mutations with increasing sequence numbers and pulls.
final class Session: Sendable {
    let harness: SyncHarness
    let tokens: TokenResponse
    private let nextSeq = Locked<Int64>(1)

    init(harness: SyncHarness, tokens: TokenResponse) {
        self.harness = harness
        self.tokens = tokens
    }

    var token: String { tokens.accessToken }
    var userID: String { tokens.userID }

    /// Pushes mutations, numbering them.
    func push(_ mutations: [(String, JSONValue)]) async throws -> SyncPushResponse {
        try await push(raw: number(mutations))
    }

    /// The mutations with new ids and this device's next sequence numbers.
    func number(_ mutations: [(String, JSONValue)]) -> [Mutation] {
        mutations.map { name, args in
            Mutation(
                id: UUID().uuidString,
                seq: nextSeq.withLock { seq in
                    defer { seq += 1 }
                    return seq
                }, name: name, args: args)
        }
    }

    /// Pushes exactly these mutations (through `other` instead of the harness's server if given).
    func push(raw mutations: [Mutation], via other: TestServer? = nil) async throws -> SyncPushResponse {
        let answer = try await harness.call(.POST, "/v1/sync/push", body: SyncPushRequest(mutations: mutations), token: token, via: other)
        guard answer.status == 200 else { throw TestFailure("push: \(answer.status) \(answer.text)") }
        return try answer.decode(SyncPushResponse.self)
    }

    /// Pulls one page.
    func pull(cursor: String?, limit: Int = 500) async throws -> HTTPAnswer {
        var path = "/v1/sync/pull?limit=\(limit)"
        if let cursor { path += "&cursor=\(cursor)" }
        return try await harness.call(.GET, path, token: token)
    }

    /// Pulls every page from `cursor` and folds the changes into `rows` (entity/key → row).
    func pullAll(into replica: inout Replica) async throws {
        while true {
            let answer = try await pull(cursor: replica.cursor)
            guard answer.status == 200 else { throw TestFailure("pull: \(answer.status) \(answer.text)") }
            let page = try answer.decode(PullResponse.self)
            replica.apply(page)
            if !page.hasMore { return }
        }
    }
}

/// A minimal in-memory replica for server tests (the SyncClient library has its own tests).
struct Replica: Sendable {
    var cursor: String?
    var rows: [String: JSONValue] = [:]
    var includedSeq: Int64 = 0

    mutating func apply(_ page: PullResponse) {
        if page.reset { rows = [:] }
        for change in page.changes {
            let id = "\(change.entity.rawValue)/\(change.key)"
            rows[id] = change.op == .upsert ? change.row : nil
        }
        cursor = page.cursor
        includedSeq = page.includedSeq
    }

    func rows(_ entity: SyncEntity) -> [String: JSONValue] {
        rows.filter { $0.key.hasPrefix(entity.rawValue + "/") }.reduce(into: [:]) { $0[String($1.key.dropFirst(entity.rawValue.count + 1))] = $1.value }
    }
}
