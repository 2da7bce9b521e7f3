import CommandLineSupport
import Commands
import Crypto
import Domain
import EventStore
import Foundation
import Logging
import Outbox
import PostgresNIO
import Projections
import PushProviders
import PushStandIns
import SyncServer

/// `tidemark-bench push`: deliveries per second from the outbox through the real APNs provider to
/// the local APNs stand-in (HTTP/2 over TLS, connections reused), against the same sends with no
/// database and against a bare SQL claim-and-mark queue, in one run.
struct PushBenchmark: Sendable {
    /// What one run measured.
    struct Report: Codable, Sendable {
        var devices: Int
        var deliveries: Int
        var seconds: Double
        var deliveries_per_s: Double
        var fanout_s: Double
        var event_to_all_sent_s: Double
        var dispatchers: Int
        var concurrency: Int
        var batch_size: Int
        var raw_provider_per_s: Double
        var provider_ratio: Double
        var raw_queue_per_s: Double
        var queue_ratio: Double
        var stand_in_connections: Int
    }

    let devices: Int
    let dispatchers: Int
    let concurrency: Int
    let batchSize: Int
    let logger: Logger

    static let topic = "com.example.bench"

    func run(base: DatabaseURL, databaseName: String, progress: @escaping @Sendable (String) -> Void) async throws -> Report {
        let admin = DatabaseAdmin(url: base, logger: logger)
        try await admin.dropDatabase(databaseName)
        try await admin.createDatabase(databaseName)
        let url = base.withDatabase(databaseName)
        let key = P256.Signing.PrivateKey()
        let standIn = try APNsStandIn(teamID: "BENCHTEAM1", keyID: "BENCHKEY01", publicKey: key.publicKey, topics: [Self.topic])
        try await standIn.start()
        let provider = try APNsProvider(
            configuration: APNsConfiguration(
                keyID: "BENCHKEY01", teamID: "BENCHTEAM1", privateKey: key, defaultTopic: Self.topic,
                productionURL: standIn.baseURL, sandboxURL: standIn.baseURL, requestTimeout: .seconds(30),
                trustRootsPEM: [standIn.certificatePEM]))
        do {
            let report = try await EventStore.withRunning(
                url: url, maximumConnections: dispatchers * 2 + 24, applicationName: "tidemark-bench-push", logger: logger
            ) { store in
                _ = try await store.migrate(additional: TidemarkMigrations.all)
                return try await measure(store: store, url: url, standIn: standIn, provider: provider, progress: progress)
            }
            try? await provider.shutdown()
            await standIn.stop()
            return report
        } catch {
            try? await provider.shutdown()
            await standIn.stop()
            throw error
        }
    }

    private func measure(
        store: EventStore, url: DatabaseURL, standIn: APNsStandIn, provider: APNsProvider, progress: @escaping @Sendable (String) -> Void
    ) async throws -> Report {
        let commands = CommandService(store: store, passwordCost: 4)
        let tenant = TenantID()
        try await commands.createTenant(tenant, name: "Bench", code: "bench", envelope: CommandEnvelope(principal: .system(tenantID: nil)))
        let perUser = 20
        let userCount = (devices + perUser - 1) / perUser
        progress("registering \(userCount) users and \(devices) devices")
        let users = try await register(users: userCount, tenant: tenant, commands: commands)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func start() {
                guard next < devices else { return }
                let index = next
                next += 1
                group.addTask {
                    let user = users[index / perUser]
                    let id = DeviceID()
                    let token = (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
                    try await commands.execute(
                        Device.self, id: id,
                        command: .register(
                            id, tenantID: tenant, userID: user,
                            DeviceRegistration(
                                platform: .ios, pushToken: token, provider: .apns, appID: Self.topic)),
                        envelope: CommandEnvelope(principal: .user(user, tenantID: tenant)))
                }
            }
            for _ in 0..<16 { start() }
            for try await _ in group { start() }
        }
        // The outbox projection runs as in the server.
        let runner = ProjectionRunner(projection: PushOutboxProjection(), store: store, database: url, logger: logger)
        let runnerTask = Task { try await runner.run() }
        defer { runnerTask.cancel() }
        try await waitUntil("the outbox knows every device", timeout: .seconds(600)) {
            try await count(store, "SELECT count(*)::int8 FROM read.push_targets WHERE active") == devices
        }
        progress("publishing one announcement to \(devices) devices")
        let announcement = AnnouncementID()
        let system = CommandEnvelope(principal: .system(tenantID: tenant))
        try await commands.execute(
            Announcement.self, id: announcement, command: .draft(announcement, tenantID: tenant, title: "Maintenance", body: "Tonight at 22:00"),
            envelope: system)
        let published = ContinuousClock.now
        try await commands.execute(Announcement.self, id: announcement, command: .publish(announcement), envelope: system)
        try await waitUntil("the outbox enqueues every delivery", timeout: .seconds(600)) {
            try await count(store, "SELECT count(*)::int8 FROM push_deliveries WHERE status = 'queued'") == devices
        }
        let fanout = seconds(since: published)
        progress("fan-out took \(format(fanout)) s; dispatching with \(dispatchers) dispatcher(s)")
        var options = PushDispatcherOptions()
        options.batchSize = batchSize
        options.concurrency = concurrency
        let outbox = PushOutbox(client: store.client, logger: logger)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<dispatchers {
                let dispatcher = PushDispatcher(
                    outbox: outbox, commands: commands, providers: [provider], options: options, owner: "bench-\(index)", logger: logger)
                group.addTask {
                    while try await dispatcher.round() > 0 {}
                }
            }
            try await group.waitForAll()
        }
        let dispatchSeconds = seconds(since: started)
        let endToEnd = seconds(since: published)
        let sent = try await count(store, "SELECT count(*)::int8 FROM push_deliveries WHERE status = 'sent'")
        guard sent == devices else { throw CLIFailure(.benchmarkFailed, "only \(sent) of \(devices) deliveries were sent") }
        guard standIn.deliveries.count >= devices else { throw CLIFailure(.benchmarkFailed, "the stand-in accepted \(standIn.deliveries.count) of \(devices)") }
        let connections = standIn.connectionCount

        progress("baseline 1: the same \(devices) sends straight through the provider, no database")
        let rawProvider = try await rawProviderRate(provider: provider, store: store)
        progress("baseline 2: a bare SQL queue (claim with SKIP LOCKED, mark sent), no sending")
        let rawQueue = try await rawQueueRate(store: store)
        let rate = Double(devices) / dispatchSeconds
        return Report(
            devices: devices, deliveries: sent, seconds: round3(dispatchSeconds), deliveries_per_s: rate.rounded(),
            fanout_s: round3(fanout), event_to_all_sent_s: round3(endToEnd), dispatchers: dispatchers, concurrency: concurrency,
            batch_size: batchSize, raw_provider_per_s: rawProvider.rounded(), provider_ratio: round3(rate / rawProvider),
            raw_queue_per_s: rawQueue.rounded(), queue_ratio: round3(rate / rawQueue), stand_in_connections: connections)
    }

    private func register(users count: Int, tenant: TenantID, commands: CommandService) async throws -> [UserID] {
        var users: [UserID] = []
        for index in 0..<count {
            let id = UserID()
            try await commands.execute(
                User.self, id: id,
                command: .register(
                    id, tenantID: tenant, username: "bench\(index)", email: "bench\(index)@example.com", phone: nil,
                    passwordHash: "$2b$04$" + String(repeating: "a", count: 53), tenantIsActive: true),
                envelope: CommandEnvelope(principal: .system(tenantID: tenant)))
            users.append(id)
        }
        return users
    }

    /// The same messages (the delivered rows) sent again through the provider with the same concurrency.
    private func rawProviderRate(provider: APNsProvider, store: EventStore) async throws -> Double {
        let rows = try await store.client.query("SELECT delivery_id, token FROM push_deliveries", logger: logger)
        var messages: [PushMessage] = []
        for try await (id, token) in rows.decode((UUID, String).self) {
            messages.append(
                PushMessage(
                    id: id, token: token, topic: Self.topic, title: "Maintenance", body: "Tonight at 22:00",
                    data: ["kind": "announcement"], collapseKey: "bench", priority: .normal, expiresAt: Date().addingTimeInterval(3600)))
        }
        let width = concurrency * dispatchers
        let started = ContinuousClock.now
        let accepted = await withTaskGroup(of: Bool.self) { group in
            var iterator = messages.makeIterator()
            for _ in 0..<width {
                guard let message = iterator.next() else { break }
                group.addTask { if case .accepted = await provider.send(message) { return true } else { return false } }
            }
            var accepted = 0
            for await ok in group {
                if ok { accepted += 1 }
                if let message = iterator.next() {
                    group.addTask { if case .accepted = await provider.send(message) { return true } else { return false } }
                }
            }
            return accepted
        }
        guard accepted == messages.count else { throw CLIFailure(.benchmarkFailed, "the raw baseline had \(messages.count - accepted) failed sends") }
        return Double(messages.count) / seconds(since: started)
    }

    /// Claims batches with `FOR UPDATE SKIP LOCKED` and marks them sent, in plain SQL, at the same
    /// batch size and dispatcher count, on a copy of the outbox.
    private func rawQueueRate(store: EventStore) async throws -> Double {
        _ = try await store.client.query(
            """
            CREATE TABLE bench_raw_queue AS SELECT delivery_id, 'queued'::text AS status, now() AS not_before, NULL::text AS owner FROM push_deliveries
            """, logger: logger)
        _ = try await store.client.query("CREATE INDEX ON bench_raw_queue (not_before) WHERE status = 'queued'", logger: logger)
        let started = ContinuousClock.now
        let batch = batchSize
        let logger = logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<dispatchers {
                group.addTask {
                    while true {
                        let claimed = try await store.client.query(
                            """
                            WITH c AS (SELECT delivery_id FROM bench_raw_queue WHERE status = 'queued' ORDER BY not_before LIMIT \(batch) FOR UPDATE SKIP LOCKED)
                            UPDATE bench_raw_queue q SET owner = \("raw-\(index)") FROM c WHERE q.delivery_id = c.delivery_id RETURNING q.delivery_id
                            """, logger: logger)
                        var ids: [UUID] = []
                        for try await id in claimed.decode(UUID.self) { ids.append(id) }
                        if ids.isEmpty { return }
                        _ = try await store.client.query(
                            "UPDATE bench_raw_queue SET status = 'sent' WHERE delivery_id = ANY(\(ids)) AND owner = \("raw-\(index)")", logger: logger)
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(devices) / seconds(since: started)
    }

    private func count(_ store: EventStore, _ sql: String) async throws -> Int {
        let rows = try await store.client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        for try await value in rows.decode(Int64.self) { return Int(value) }
        return 0
    }

    private func waitUntil(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while true {
            do {
                if try await condition() { return }
            } catch {
                // The projection's tables may not exist yet.
                lastError = error
            }
            guard ContinuousClock.now < deadline else {
                throw CLIFailure(.benchmarkFailed, "timed out waiting until \(what)" + (lastError.map { " (last error: \($0))" } ?? ""))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return elapsed.seconds
    }

    private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
    private func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
