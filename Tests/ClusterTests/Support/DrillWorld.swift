import Commands
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import PushStandIns
import SyncClient
import SyncProtocol
import TidemarkTestSupport

/// What a failover drill runs against the cluster: one tenant, `users` users with a writing and a
/// listening replica each (real `SyncClient`s on SQLite files, signed in through HAProxy and kept
/// live by `run()`), a webhook device per user whose deliveries PushStandIns' webhook stand-in
/// records, and the writers' and notifier's traffic.
///
/// The writer replica of each user creates and edits todos and syncs; the listener only follows its
/// live socket (its quiet-socket poll is long), so how fast a change reaches it measures the live
/// path: a poke after a reconnect, or the greeting's sync.
final class DrillWorld: Sendable {
    static let password = "correct horse battery staple"

    let cluster: Cluster
    let database: PostgresClient
    let commands: CommandService
    let tenant: TenantID
    let users: [UserID]
    let writers: [SyncClient]
    let listeners: [SyncClient]
    let webhook: WebhookStandIn
    let logger: Logger
    /// The id of every mutation a writer queued, for the lost/duplicated check.
    let queued = Locked<[String]>([])
    /// Rejections the replicas reported (a drill expects none).
    let rejections: Locked<[String]>
    private let databaseTask: Task<Void, Never>
    private let live = Locked<[Task<Void, Never>]>([])
    /// How many live loops have returned.
    private let stoppedLoops = Locked(0)
    private let paths: [String]

    private init(
        cluster: Cluster, database: PostgresClient, databaseTask: Task<Void, Never>, commands: CommandService, tenant: TenantID,
        users: [UserID], writers: [SyncClient], listeners: [SyncClient], paths: [String], webhook: WebhookStandIn, logger: Logger,
        rejections: Locked<[String]>
    ) {
        self.rejections = rejections
        self.cluster = cluster
        self.database = database
        self.databaseTask = databaseTask
        self.commands = commands
        self.tenant = tenant
        self.users = users
        self.writers = writers
        self.listeners = listeners
        self.paths = paths
        self.webhook = webhook
        self.logger = logger
    }

    /// Prints a progress line (drills take minutes; this says where one is).
    static func note(_ text: String) {
        // Standard error: unbuffered, so a stuck drill shows where it is.
        FileHandle.standardError.write(Data("drill \(Date().formatted(.iso8601.time(includingFractionalSeconds: false))): \(text)\n".utf8))
    }

    /// The replicas: writers and listeners.
    var replicas: [SyncClient] { writers + listeners }

    /// Creates the tenant, the users and their replicas, signs every replica in through HAProxy,
    /// registers each user's webhook device and starts every replica's live loop.
    static func start(cluster: Cluster, users count: Int = 25) async throws -> DrillWorld {
        var logger = Logger(label: "tidemark.drill")
        logger.logLevel = .error
        let database = PostgresClient(
            configuration: try DatabaseURL(cluster.databaseURL).clientConfiguration(maximumConnections: 6, applicationName: "tidemark-drill"),
            backgroundLogger: logger
        )
        let databaseTask = Task { await database.run() }
        let commands = CommandService(store: EventStore(client: database, logger: logger), passwordCost: 4)
        let code = "drill-\(UUID().uuidString.prefix(8).lowercased())"
        let tenant = TenantID()
        try await commands.createTenant(tenant, name: "Drill \(code)", code: code, envelope: CommandEnvelope(principal: .system(tenantID: nil)))
        var users: [UserID] = []
        for index in 0..<count {
            let user = UserID()
            try await commands.registerUser(
                user, tenantID: tenant, username: "user\(index)", email: "u\(index)@\(code).example", phone: nil, password: password,
                envelope: CommandEnvelope(principal: .anonymous))
            users.append(user)
        }
        let environment = ProcessInfo.processInfo.environment
        let secret = environment["TIDEMARK_WEBHOOK_SECRET"] ?? ""
        let port = environment["TIDEMARK_CLUSTER_WEBHOOK_PORT"].flatMap(Int.init) ?? 0
        guard !secret.isEmpty, port > 0 else { throw TestFailure("TIDEMARK_WEBHOOK_SECRET and TIDEMARK_CLUSTER_WEBHOOK_PORT must be set (make test-cluster)") }
        let webhook = try await WebhookStandIn.start(secret: secret, port: port)
        note("tenant \(code): \(count) users; signing in \(count * 2) replicas through \(cluster.url)")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-drill-\(code)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rejections = Locked<[String]>([])
        var writers: [SyncClient] = []
        var listeners: [SyncClient] = []
        var paths: [String] = []
        for index in 0..<count {
            for role in ["writer", "listener"] {
                let path = folder.appendingPathComponent("\(index)-\(role).sqlite").path
                paths.append(path)
                var configuration = SyncClientConfiguration(
                    databasePath: path, serverURL: cluster.url, logger: logger,
                    retryPolicy: RetryPolicy(base: .milliseconds(200), cap: .seconds(2), maxAttempts: 3), requestTimeout: .seconds(15),
                    onRejection: { rejection in rejections.withLock { $0.append("\(rejection.name.rawValue): \(rejection.code)") } }
                )
                // The listener syncs on pokes (and on the greeting of each new socket), not on a timer.
                configuration.livePollInterval = .seconds(300)
                let client = try await SyncClient(configuration: configuration)
                try await client.login(tenantCode: code, username: "user\(index)", password: password, deviceName: role)
                if role == "writer" { writers.append(client) } else { listeners.append(client) }
            }
        }
        let world = DrillWorld(
            cluster: cluster, database: database, databaseTask: databaseTask, commands: commands, tenant: tenant, users: users,
            writers: writers, listeners: listeners, paths: paths, webhook: webhook, logger: logger, rejections: rejections)
        for (index, writer) in writers.enumerated() {
            let device = try await writer.status().deviceID
            try await world.queue(
                writer,
                .deviceRegister,
                .object([
                    "device_id": .string(device), "platform": .string("desktop"), "provider": .string("webhook"),
                    "push_token": .string("drill-token-\(index)"), "environment": .string("production"),
                ]))
            try await writer.sync()
        }
        note("replicas signed in; webhook devices registered; starting the live loops")
        for client in world.replicas {
            let stopped = world.stoppedLoops
            let task = Task {
                await client.run()
                stopped.withLock { $0 += 1 }
            }
            world.live.withLock { $0.append(task) }
        }
        return world
    }

    /// Queues a mutation on `client` and records its id.
    @discardableResult
    func queue(_ client: SyncClient, _ name: MutationName, _ args: JSONValue) async throws -> String {
        let mutation = try await client.mutate(name, args: args)
        queued.withLock { $0.append(mutation.id) }
        return mutation.id
    }

    /// Until `deadline`: every writer creates a todo or edits one of its own, then syncs (a
    /// failure is left to the next sync: the mutation stays queued), every 300-700 ms; a
    /// notification goes to a random user every 250 ms (a failed command is tried again later).
    func traffic(until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            for writer in writers {
                group.addTask {
                    var mine: [String] = []
                    var step = 0
                    while ContinuousClock.now < deadline, !Task.isCancelled {
                        step += 1
                        if mine.isEmpty || step % 3 != 0 {
                            let id = UUID().uuidString.lowercased()
                            if (try? await self.queue(writer, .todoCreate, .object(["todo_id": .string(id), "title": .string("t\(step)")]))) != nil {
                                mine.append(id)
                            }
                        } else if let id = mine.randomElement() {
                            _ = try? await self.queue(writer, .todoEdit, .object(["todo_id": .string(id), "title": .string("edited \(step)")]))
                        }
                        _ = try? await writer.sync()
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 300...700)))
                    }
                }
            }
            group.addTask {
                var sent = 0
                while ContinuousClock.now < deadline, !Task.isCancelled {
                    if let user = self.users.randomElement() {
                        sent += 1
                        _ = try? await self.commands.sendNotification(
                            NotificationID(), tenantID: self.tenant, receivers: [user], type: "drill", title: "Drill \(sent)", content: "n\(sent)",
                            envelope: CommandEnvelope(principal: .system(tenantID: self.tenant)))
                    }
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
        }
    }

    /// The time from `start` until a todo each writer creates now has reached its user's
    /// listener, through the listener's live socket; `nil` when one has not within `timeout`.
    /// The slowest users are noted with when their writer's push was acknowledged.
    func liveRecovery(since start: ContinuousClock.Instant, timeout: Duration = .seconds(60)) async -> Duration? {
        await withTaskGroup(of: (user: Int, pushed: Duration?, seen: Duration?).self) { group in
            for (user, (writer, listener)) in zip(writers, listeners).enumerated() {
                group.addTask {
                    let probe = UUID().uuidString.lowercased()
                    let deadline = start + timeout
                    var probeID: String?
                    var pushed: Duration?
                    while ContinuousClock.now < deadline {
                        if probeID == nil {
                            probeID = try? await self.queue(writer, .todoCreate, .object(["todo_id": .string(probe), "title": .string("probe")]))
                            if probeID != nil { _ = try? await writer.sync() }
                        }
                        if let probeID, pushed == nil, let queued = try? await writer.queuedMutations(), !queued.contains(where: { $0.id == probeID }) {
                            pushed = ContinuousClock.now - start
                        }
                        if probeID != nil, (try? await listener.row(.todos, key: probe)) != nil { return (user, pushed, ContinuousClock.now - start) }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                    return (user, pushed, nil)
                }
            }
            var results: [(user: Int, pushed: Duration?, seen: Duration?)] = []
            for await result in group { results.append(result) }
            let slowest = results.sorted { ($0.seen ?? .seconds(3600)) > ($1.seen ?? .seconds(3600)) }.prefix(3)
            Self.note(
                "slowest live probes: "
                    + slowest.map { "user\($0.user) pushed \(DrillTable.seconds($0.pushed)) seen \(DrillTable.seconds($0.seen))" }.joined(separator: "; "))
            if results.contains(where: { $0.seen == nil }) { return nil }
            return results.compactMap(\.seen).max()
        }
    }

    /// The time from `start` until the `todos` projection (the one the writers feed) has applied
    /// every todo event that was in the log at `start`, and at least one written after it; `nil`
    /// when it has not within `timeout`. (A checkpoint moves only with events its projection
    /// handles, so the other projections' checkpoints say nothing here.)
    func projectionRecovery(since start: ContinuousClock.Instant, timeout: Duration = .seconds(60)) async -> Duration? {
        var head: Int64?
        while ContinuousClock.now < start + timeout {
            if head == nil { head = try? await scalar("SELECT coalesce(max(position), 0) FROM events WHERE category = 'todo'") }
            if let head, let applied = try? await scalar("SELECT coalesce(max(position), 0) FROM projection_checkpoints WHERE name = 'todos'"),
                applied > head
            {
                return ContinuousClock.now - start
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Reads one `bigint`.
    func scalar(_ query: PostgresQuery) async throws -> Int64 {
        let rows = try await database.query(query, logger: logger)
        for try await value in rows.decode(Int64.self) { return value }
        throw TestFailure("no row: \(query.sql)")
    }

    /// Which process holds how many projection leases, by pid (from the leases' application names).
    func projectionLeaseHolders() async throws -> [Int32: Int] {
        let rows = try await database.query(
            """
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'tidemark-projection-%@%'
            """, logger: logger)
        var holders: [Int32: Int] = [:]
        for try await name in rows.decode(String.self) {
            if let at = name.lastIndex(of: "@"), let pid = Int32(name[name.index(after: at)...]) { holders[pid, default: 0] += 1 }
        }
        return holders
    }

    /// How many deliveries each process holds a lease on, by pid (the owner is `host:pid:index:…`).
    func deliveryLeaseHolders() async throws -> [Int32: Int] {
        let rows = try await database.query(
            "SELECT lease_owner FROM push_deliveries WHERE lease_owner IS NOT NULL AND lease_until > now() AND tenant_id = \(tenant.rawValue)",
            logger: logger)
        var holders: [Int32: Int] = [:]
        for try await owner in rows.decode(String.self) {
            let parts = owner.split(separator: ":")
            if parts.count > 1, let pid = Int32(parts[1]) { holders[pid, default: 0] += 1 }
        }
        return holders
    }

    /// Every server's pid, 1-based index → pid.
    func serverPIDs() async throws -> [Int: Int32] {
        var pids: [Int: Int32] = [:]
        for index in 1...cluster.servers.count {
            if let text = try? await cluster.script("pid", "\(index)"),
                let pid = Int32(text.split(whereSeparator: \.isNewline).last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "")
            {
                pids[index] = pid
            }
        }
        return pids
    }

    /// Stops the live loops, then syncs every replica until nothing is queued and nothing new
    /// arrives, and waits until no delivery of the tenant is still due; then checks everything.
    func settleAndCheck(timeout: Duration = .seconds(120)) async throws -> DrillOutcome {
        Self.note("stopping the live loops")
        for task in live.withLock({ $0 }) { task.cancel() }
        // A cancelled live loop returns (`run()` ends on cancellation); one that does not within
        // 10 s is a client bug the outcome reports.
        let loops = live.withLock { $0.count }
        try? await eventually("the live loops stop", timeout: .seconds(10)) { self.stoppedLoops.withLock { $0 } == loops }
        let stuckLoops = loops - stoppedLoops.withLock { $0 }
        Self.note("settling \(replicas.count) replicas")
        for client in replicas {
            try await eventually("a replica settles", timeout: timeout, interval: .milliseconds(200)) {
                guard let report = try? await client.sync() else { return false }
                let pending = try await client.queuedMutations()
                return pending.isEmpty && report.pulled == 0 && report.pushed == 0
            }
        }
        try await eventually("every delivery is sent or given up", timeout: timeout, interval: .milliseconds(500)) {
            try await self.scalar(
                "SELECT count(*) FROM push_deliveries WHERE tenant_id = \(self.tenant.rawValue) AND status IN ('queued', 'retrying')") == 0
        }
        Self.note("checking the log, the read models and the deliveries")
        var outcome: DrillOutcome
        do {
            outcome = try await check()
        } catch let error as PSQLError {
            throw TestFailure(String(reflecting: error))
        }
        outcome.stuckLiveLoops = stuckLoops
        return outcome
    }

    /// Counts lost and duplicated mutations, compares every replica with the read model, and
    /// counts deliveries against what the webhook received.
    func check() async throws -> DrillOutcome {
        let ids = queued.withLock { $0 }
        var applied: [String: Int] = [:]
        let rows = try await database.query(
            """
            SELECT substr(metadata->>'causation', 10), count(*) FROM events
            WHERE metadata->>'causation' = ANY(\(ids.map { "mutation:\($0)" })) GROUP BY 1
            """, logger: logger)
        for try await (id, count) in rows.decode((String, Int64).self) { applied[id] = Int(count) }
        var outcome = DrillOutcome()
        outcome.mutations = ids.count
        outcome.lost = ids.filter { applied[$0] == nil }.count
        outcome.duplicated = applied.values.reduce(0) { $0 + max($1 - 1, 0) }
        outcome.rejections = rejections.withLock { $0 }

        // Every replica of a user holds exactly the user's todos of the read model.
        for (index, user) in users.enumerated() {
            var server: [String: String] = [:]
            let todos = try await database.query(
                "SELECT todo_id::text, title FROM read.todos WHERE owner_id = \(user.rawValue) AND NOT deleted", logger: logger)
            for try await (id, title) in todos.decode((String, String).self) { server[id] = title }
            for client in [writers[index], listeners[index]] {
                var replica: [String: String] = [:]
                for row in try await client.rows(.todos) {
                    if let id = row["todo_id"]?.stringValue { replica[id] = row["title"]?.stringValue ?? "" }
                }
                if replica != server { outcome.divergentReplicas += 1 }
            }
        }

        // Deliveries: each sent one reached the webhook, none more than twice.
        var sent: [String] = []
        var unsent = 0
        let deliveries = try await database.query(
            "SELECT delivery_id::text, status FROM push_deliveries WHERE tenant_id = \(tenant.rawValue)", logger: logger)
        for try await (id, status) in deliveries.decode((String, String).self) {
            if status == "sent" { sent.append(id) } else { unsent += 1 }
        }
        var received: [String: Int] = [:]
        for delivery in webhook.deliveries { received[delivery.id.lowercased(), default: 0] += 1 }
        outcome.deliveries = sent.count
        outcome.deliveriesNotSent = unsent
        outcome.deliveriesMissing = sent.filter { received[$0.lowercased()] == nil }.count
        outcome.deliveriesTwice = received.values.filter { $0 == 2 }.count
        outcome.deliveriesMoreThanTwice = received.values.filter { $0 > 2 }.count
        return outcome
    }

    /// Stops everything and removes the replica files.
    func finish() async {
        for task in live.withLock({ $0 }) { task.cancel() }
        for client in replicas { try? await client.close() }
        for path in paths {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        await webhook.stop()
        databaseTask.cancel()
        _ = await databaseTask.value
    }
}
