import Commands
import Domain
import EventStore
import Foundation
import SyncProtocol
import SyncServer
import TidemarkTestSupport

/// `synccli serve` running as a child process on a copy of the server template with one tenant: a
/// crash (a trap) ends only the child, so a test can tell "answered" from "died".
final class ServeProcess: Sendable {
    /// The token secret the process signs with (and derives its cursor key from).
    static let secret = "tidemark-serve-process-secret-0123456789"

    let database: TestDatabase
    let port: Int
    private let process: Locked<Process?>
    private let logURL: URL

    private init(database: TestDatabase, port: Int, process: Process, logURL: URL) {
        self.database = database
        self.port = port
        self.process = Locked(process)
        self.logURL = logURL
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The child's process id (`nil` once stopped).
    var pid: Int32? { process.withLock { $0?.processIdentifier } }

    /// Whether the child still runs.
    var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// The child's output so far (for failure messages).
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Creates a database with the tenant `tenantCode`, starts `synccli serve --port 0` on it (with
    /// `arguments` added) and waits until it listens; runs `body`; stops the child and drops the database.
    static func with(tenantCode: String = "acme", arguments: [String] = [], _ body: (ServeProcess) async throws -> Void) async throws {
        let database = try await TestDatabase.create(prefix: "serve", from: .server)
        try await withCleanUp {
            try await withStore(url: database.url) { store in
                try await CommandService(store: store, passwordCost: 4).createTenant(
                    TenantID(), name: "Tenant \(tenantCode)", code: tenantCode, envelope: CommandEnvelope(principal: .system(tenantID: nil)))
            }
            let server = try await start(database: database, arguments: arguments)
            try await withCleanUp {
                try await body(server)
            } cleanUp: {
                await server.stop()
            }
        } cleanUp: {
            try? await database.drop()
        }
    }

    private static func start(database: TestDatabase, arguments: [String]) async throws -> ServeProcess {
        let binary = try SyncCLI.binary()
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = binary
        // Without the per-device limits, so hostile probes reach the parsers instead of a 429.
        process.arguments =
            ["serve", "--port", "0", "--shutdown-grace", "10", "--push-dispatchers", "0", "--max-connections", "6", "--no-request-limits"] + arguments
        process.environment = try SyncCLI.environment(
            database: database.url.database, extra: ["TIDEMARK_JWT_SECRET": secret, "LOG_LEVEL": "info"]
        )
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let port = try await listeningPort(of: process, log: logURL)
        return ServeProcess(database: database, port: port, process: process, logURL: logURL)
    }

    /// The port a `synccli serve --port 0` child listens on, read from its log once it says so.
    /// - Throws: ``TestFailure`` when the child exits first, or after 120 s.
    static func listeningPort(of process: Process, log logURL: URL) async throws -> Int {
        var port = 0
        try await eventually("synccli serve listens", timeout: .seconds(120)) {
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            guard process.isRunning else { throw TestFailure("synccli serve exited at start: \(text)") }
            guard let range = text.range(of: "listening on 127.0.0.1:") else { return false }
            port = Int(text[range.upperBound...].prefix(while: \.isNumber)) ?? 0
            return port > 0
        }
        return port
    }

    /// Stops the child (SIGTERM, then SIGKILL) and removes its log.
    func stop() async {
        guard
            let process = process.withLock({ value in
                let current = value
                value = nil
                return current
            })
        else { return }
        if process.isRunning {
            process.terminate()
            try? await eventually("synccli serve exits", timeout: .seconds(30)) { !process.isRunning }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: logURL)
    }

    /// Calls the child.
    func call(_ method: Verb, _ path: String, body: (any Encodable)? = nil, rawBody: Data? = nil, token: String? = nil) async throws -> HTTPAnswer {
        try await HTTPCall.send(method, baseURL + path, body: body, rawBody: rawBody, token: token)
    }

    /// Registers `username` in `tenantCode` and signs in from `device` (a new one by default).
    func signUp(_ username: String, tenantCode: String = "acme", device: String = UUID().uuidString) async throws -> TokenResponse {
        let password = "correct horse battery"
        let registered = try await call(
            .POST, "/v1/auth/register",
            body: RegisterRequest(
                tenantCode: tenantCode, username: username, email: "\(username)@example.com", password: password))
        guard registered.status == 201 else { throw TestFailure("register \(username): \(registered.status) \(registered.text)") }
        let login = try await call(
            .POST, "/v1/auth/login", body: LoginRequest(tenantCode: tenantCode, username: username, password: password, deviceID: device))
        guard login.status == 200 else { throw TestFailure("login \(username): \(login.status) \(login.text)") }
        return try login.decode(TokenResponse.self)
    }
}
