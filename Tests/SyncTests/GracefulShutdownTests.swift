import Commands
import Domain
import EventStore
import Foundation
import PostgresNIO
import Projections
import SyncClient
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// `synccli serve` stopped by SIGTERM under traffic, as a real process, once per provider
/// configuration: clients writing, live sockets open, deliveries flowing through the outbox.
@Suite("Graceful shutdown under traffic", .serialized, .timeLimit(.minutes(10)))
struct GracefulShutdownTests {
    static let secret = "tidemark-shutdown-secret-0123456789abcdef"
    static let users = 4
    /// The notices a shutdown logs, in order (the dispatcher and provider lines only with a provider).
    static func expectedNotices(withProviders: Bool) -> [String] {
        [
            "graceful shutdown started",
            "shutting down: readiness answers 503; closing live sockets with 1012",
            "live sockets closed",
            "HTTP server stopped",
        ]
            + (withProviders ? ["push dispatcher stopped", "push providers' HTTP clients shut down"] : [])
            + ["projection runner stopped", "closing the database pool", "server stopped"]
    }

    @Test(
        "SIGTERM under traffic: exit 0 within the grace, acknowledged writes in the log once, live sockets closed with 1012, no delivery lost or sent twice, leases released",
        arguments: [nil] + ProviderStandIns.Channel.allCases.map(Optional.some))
    func shutdownUnderTraffic(channel: ProviderStandIns.Channel?) async throws {
        let standIns = try await ProviderStandIns.start(channel.map { [$0] } ?? [])
        let database = try await TestDatabase.create(prefix: "serve", from: .server)
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("shutdown-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        try await withCleanUp {
            try await withStore(url: database.url) { store in
                let commands = CommandService(store: store, passwordCost: 4)
                let tenant = TenantID()
                try await commands.createTenant(tenant, name: "Tenant acme", code: "acme", envelope: CommandEnvelope(principal: .system(tenantID: nil)))

                // Given a server with two dispatchers for the configured provider (if any)
                let log = try FileHandle(forWritingTo: logURL)
                let process = Process()
                process.executableURL = try SyncCLI.binary()
                process.arguments = [
                    "serve", "--port", "0", "--shutdown-grace", "10", "--push-dispatchers", "2", "--max-connections", "10", "--no-request-limits",
                ]
                process.environment = try SyncCLI.environment(
                    database: database.url.database,
                    extra: standIns.environment.merging(["TIDEMARK_JWT_SECRET": Self.secret, "LOG_LEVEL": "info"]) { _, new in new })
                process.standardOutput = log
                process.standardError = log
                try process.run()
                defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
                let port = try await ServeProcess.listeningPort(of: process, log: logURL)
                let base = "http://127.0.0.1:\(port)"

                // And users, each with a device on the channel and a live socket open
                var sessions: [TokenResponse] = []
                for index in 0..<Self.users {
                    let session = try await Self.signUp("user\(index)", base: base)
                    sessions.append(session)
                    guard let user = UserID(session.userID) else { throw TestFailure("bad user id \(session.userID)") }
                    let provider = channel ?? .apns
                    let registration = DeviceRegistration(
                        platform: Self.platform(provider), pushToken: standIns.makeToken(for: provider), provider: Self.provider(provider),
                        appID: "com.example.app", environment: .production)
                    let device = DeviceID()
                    try await commands.execute(
                        Domain.Device.self, id: device, command: .register(device, tenantID: tenant, userID: user, registration),
                        envelope: CommandEnvelope(principal: .user(user, tenantID: tenant)))
                }
                let greeted = Locked(0)
                let closes = Locked<[LiveClose?]>([])
                let liveURL = base.replacingOccurrences(of: "http://", with: "ws://") + "/v1/sync/live"
                var sockets: [Task<Void, Never>] = []
                for session in sessions {
                    sockets.append(
                        Task {
                            let headers = ["Authorization": "Bearer \(session.accessToken)", "Tidemark-Protocol": "1"]
                            let close = try? await NetworkTransport().live(url: liveURL, headers: headers) { message in
                                if message.type == LiveMessage.hello.type { greeted.withLock { $0 += 1 } }
                            }
                            closes.withLock { $0.append(close) }
                        })
                }
                try await eventually("every live socket is greeted", timeout: .seconds(30)) { greeted.value == Self.users }

                // And traffic: every user writing todos, notifications flowing into the outbox
                let stop = Locked(false)
                let acknowledged = Locked<[String]>([])
                var traffic: [Task<Void, Never>] = []
                for (index, session) in sessions.enumerated() {
                    traffic.append(
                        Task {
                            var number = 0
                            while !stop.value {
                                number += 1
                                let answer = try? await HTTPCall.send(
                                    .POST, base + "/v1/todos", body: ["title": "todo \(index)-\(number)"], token: session.accessToken)
                                if let answer, answer.status == 201, let id = answer.json?["id"]?.stringValue {
                                    acknowledged.withLock { $0.append(id.lowercased()) }
                                } else if answer == nil {
                                    try? await Task.sleep(for: .milliseconds(20))
                                }
                            }
                        })
                }
                let recipients = sessions.compactMap { UserID($0.userID).map { Recipient(userID: $0, tenantID: tenant, isActive: true) } }
                let notifier = Task {
                    var number = 0
                    while !stop.value {
                        number += 1
                        let id = NotificationID()
                        _ = try? await commands.execute(
                            NotificationAggregate.self, id: id,
                            command: .send(id, tenantID: tenant, recipients: recipients, type: "comment", title: "note \(number)", content: "hello"),
                            envelope: CommandEnvelope(principal: .system(tenantID: tenant)))
                        try? await Task.sleep(for: .milliseconds(30))
                    }
                }
                try await eventually("writes are acknowledged and deliveries flow", timeout: .seconds(60)) {
                    let deliveries = try await Self.deliveries(store)
                    let sent = channel == nil || deliveries.contains { $0.status == "sent" }
                    return acknowledged.value.count >= 20 && deliveries.count >= 4 * Self.users && sent
                }

                // When the server gets SIGTERM in the middle of it
                let signalled = ContinuousClock.now
                process.terminate()
                try await eventually("the server exits", timeout: .seconds(30), interval: .milliseconds(20)) { !process.isRunning }
                let took = ContinuousClock.now - signalled
                // (A write that cannot connect any more would be retried by the HTTP client until its
                // deadline: the writers are cancelled; whatever they had acknowledged is recorded.)
                stop.withLock { $0 = true }
                for task in traffic { task.cancel() }
                for task in traffic + sockets + [notifier] { await task.value }
                try log.close()
                let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""

                // Then it exited 0 within the 10 s grace (plus the time to notice the exit), without a trap
                #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(process.terminationStatus): \(text)")
                #expect(took < .seconds(11), "took \(took): \(text)")
                #expect(!text.contains("Fatal error"), "\(text)")

                // And every acknowledged write is in the log, exactly once
                let created = try await Self.todoCreations(store)
                let acked = acknowledged.value
                #expect(!acked.isEmpty)
                let missing = acked.filter { created["todo-\($0)"] != 1 }
                #expect(missing.isEmpty, "acknowledged todos not in the log exactly once: \(missing.prefix(5)) of \(acked.count)")

                // And every live socket was closed with 1012 (service restart)
                let codes = closes.value.map { $0?.code }
                #expect(codes.count == Self.users && codes.allSatisfy { $0 == LiveClose.serviceRestartCode }, "\(closes.value)")
                #expect(closes.value.allSatisfy { $0?.asksToReconnect == true })

                // And no delivery is lost or sent twice: each is sent (and received once) or still
                // pending with no lease (claimable at once by another instance, never received)
                let deliveries = try await Self.deliveries(store)
                let receipts = standIns.receipts
                var received: [String: Int] = [:]
                for key in receipts { received[key, default: 0] += 1 }
                #expect(received.values.allSatisfy { $0 == 1 }, "sent twice: \(received.filter { $0.value > 1 }.keys.prefix(5))")
                let leased = deliveries.filter(\.leased)
                #expect(leased.isEmpty, "deliveries still leased after the shutdown: \(leased.prefix(5))")
                let odd = deliveries.filter { !["sent", "queued", "retrying"].contains($0.status) }
                #expect(odd.isEmpty, "\(odd.prefix(5))")
                for delivery in deliveries {
                    let key = standIns.receiptKey(channel: delivery.channel, token: delivery.token, title: delivery.title)
                    if delivery.status == "sent" {
                        #expect(received[key] == 1, "sent but never received: \(delivery)")
                    } else {
                        #expect(received[key] == nil, "received but left pending (another instance would send it again): \(delivery)")
                    }
                }
                if channel == nil {
                    #expect(deliveries.allSatisfy { $0.status == "queued" } && receipts.isEmpty)
                } else {
                    #expect(deliveries.contains { $0.status == "sent" })
                    #expect(received.count == deliveries.filter { $0.status == "sent" }.count, "the stand-in got deliveries the outbox does not show as sent")
                }

                // And every projection runner released its lease, and the lease table shows none held
                let projections = ServerConfiguration(host: "127.0.0.1", port: 0, databaseURL: database.url, maximumConnections: 2).projections.count
                let released = text.components(separatedBy: "projection runner stopped").count - 1
                #expect(released == projections, "\(released) of \(projections) runners logged their release: \(text)")
                #expect(try await Self.liveLeases(store) == 0)

                // And the log tells each step, in order
                var from = text.startIndex
                for notice in Self.expectedNotices(withProviders: channel != nil) {
                    guard let range = text.range(of: notice, range: from..<text.endIndex) else {
                        Issue.record("missing, or out of order: \"\(notice)\" in \(text)")
                        break
                    }
                    from = range.upperBound
                }
            }
        } cleanUp: {
            try? FileManager.default.removeItem(at: logURL)
            try? await database.drop()
            await standIns.stop()
        }
    }

    /// Registers `username` in `acme` and signs in from a new device.
    static func signUp(_ username: String, base: String) async throws -> TokenResponse {
        let password = "correct horse battery"
        let registered = try await HTTPCall.send(
            .POST, base + "/v1/auth/register",
            body: RegisterRequest(tenantCode: "acme", username: username, email: "\(username)@example.com", password: password))
        guard registered.status == 201 else { throw TestFailure("register \(username): \(registered.status) \(registered.text)") }
        let login = try await HTTPCall.send(
            .POST, base + "/v1/auth/login",
            body: LoginRequest(tenantCode: "acme", username: username, password: password, deviceID: UUID().uuidString))
        guard login.status == 200 else { throw TestFailure("login \(username): \(login.status) \(login.text)") }
        return try login.decode(TokenResponse.self)
    }

    static func provider(_ channel: ProviderStandIns.Channel) -> DeviceRegistration.Provider {
        switch channel {
        case .apns: .apns
        case .fcm: .fcm
        case .webpush: .webpush
        case .webhook: .webhook
        }
    }

    static func platform(_ channel: ProviderStandIns.Channel) -> DeviceRegistration.Platform {
        switch channel {
        case .apns: .ios
        case .fcm: .android
        case .webpush: .web
        case .webhook: .desktop
        }
    }

    /// One row of `push_deliveries`.
    struct Delivery: Sendable, CustomStringConvertible {
        var channel: String
        var token: String
        var title: String
        var status: String
        var leased: Bool
        var description: String { "\(channel) \(title) \(status)\(leased ? " leased" : "")" }
    }

    static func deliveries(_ store: EventStore) async throws -> [Delivery] {
        let rows = try await store.client.query(
            "SELECT channel, token, title, status, lease_owner IS NOT NULL OR lease_until IS NOT NULL FROM push_deliveries", logger: store.logger)
        var result: [Delivery] = []
        for try await (channel, token, title, status, leased) in rows.decode((String, String, String, String, Bool).self) {
            result.append(Delivery(channel: channel, token: token, title: title, status: status, leased: leased))
        }
        return result
    }

    /// How many `TodoCreated` events each todo stream holds.
    static func todoCreations(_ store: EventStore) async throws -> [String: Int] {
        let rows = try await store.client.query(
            "SELECT stream, count(*)::int8 FROM events WHERE type = 'TodoCreated' GROUP BY stream", logger: store.logger)
        var result: [String: Int] = [:]
        for try await (stream, count) in rows.decode((String, Int64).self) { result[stream.lowercased()] = Int(count) }
        return result
    }

    /// Projection leases (live) held in this database.
    static func liveLeases(_ store: EventStore) async throws -> Int {
        let rows = try await store.client.query(
            """
            SELECT count(*)::int8 FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND classid::int8 = \(Int64(0x7464_0001))
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, logger: store.logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
