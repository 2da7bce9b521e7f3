import Commands
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

@Suite("Sync migration 2: sync state keyed by tenant, user and device", .timeLimit(.minutes(5)))
struct SyncMigrationTests {
    @Test("rows written before sync migration 2 survive it with their tenant, and a mutation pushed before the upgrade gets its stored answer again")
    func upgradeKeepsRows() async throws {
        let database = try await TestDatabase.create(prefix: "sync")
        try await withCleanUp {
            let tenant = TenantID()
            let ana = UserID()
            let bob = UserID()
            let ghost = UUID()
            let device = UUID()
            let todo = UUID().uuidString.lowercased()
            let args: JSONValue = .object(["todo_id": .string(todo), "title": .string("before the upgrade")])

            // Given a database at sync migration 1, written as version 1 code wrote it: ana pushed
            // a todo.create from `device` (command-log key "m:<device>:<mutation>"), bob's and an
            // unknown user's answers are stored, and ana has a live session on the device.
            let stored = try await withStore(url: database.url) { store in
                _ = try await store.migrate(additional: TidemarkMigrations.all.filter { $0.component != "sync" || $0.version == 1 })
                let commands = CommandService(store: store, passwordCost: 4)
                try await commands.createTenant(tenant, name: "Acme", code: "acme", envelope: CommandEnvelope(principal: .system(tenantID: nil)))
                for (user, name) in [(ana, "ana"), (bob, "bob")] {
                    try await commands.registerUser(
                        user, tenantID: tenant, username: name, email: "\(name)@example.com", phone: nil,
                        password: "correct horse battery", envelope: CommandEnvelope(principal: .anonymous))
                }
                let outcome = try await MutationPlanner(commands: commands).run(
                    "todo.create", args: args,
                    envelope: CommandEnvelope(
                        principal: .user(ana, tenantID: tenant), deviceID: DeviceID(rawValue: device),
                        idempotencyKey: "m:\(device.uuidString.lowercased()):old-1"))
                try await store.client.query(
                    """
                    INSERT INTO sync_mutations (device_id, seq, mutation_id, user_id, name, status, positions, event_types, transaction_id, last_position)
                    VALUES (\(device), 1, 'old-1', \(ana.rawValue), 'todo.create', 'applied', \(outcome.positions), \(outcome.eventTypes),
                            (SELECT transaction_id FROM events WHERE position = \(outcome.positions.max())), \(outcome.positions.max())),
                           (\(device), 2, 'bob-1', \(bob.rawValue), 'todo.create', 'rejected', '{}', '{}', NULL, NULL),
                           (\(UUID()), 7, 'ghost-1', \(ghost), 'todo.create', 'rejected', '{}', '{}', NULL, NULL)
                    """, logger: store.logger)
                try await store.client.query(
                    """
                    INSERT INTO auth_sessions (session_id, user_id, tenant_id, device_id, refresh_hash, refresh_expires_at)
                    VALUES (\(UUID()), \(ana.rawValue), \(tenant.rawValue), \(device), '\\x00'::bytea, now() + interval '1 day')
                    """, logger: store.logger)

                // When sync migration 2 runs.
                let report = try await store.migrate(additional: TidemarkMigrations.all)
                #expect(report.applied.map { "\($0.component) \($0.version)" } == ["sync 2"])

                // Then every row is still there, with its tenant from the session, from the user's
                // stream, or (no trace of the user) the nil UUID.
                let rows = try await store.client.query(
                    "SELECT mutation_id, tenant_id FROM sync_mutations ORDER BY mutation_id", logger: store.logger)
                var tenants: [String: UUID] = [:]
                for try await (id, owner) in rows.decode((String, UUID).self) { tenants[id] = owner }
                #expect(
                    tenants == [
                        "old-1": tenant.rawValue, "bob-1": tenant.rawValue,
                        "ghost-1": UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                    ])
                let index = try await store.client.query(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'auth_sessions_live_device_idx'", logger: store.logger)
                for try await definition in index.decode(String.self) {
                    #expect(definition.hasSuffix("(tenant_id, user_id, device_id) WHERE (revoked_at IS NULL)"), "\(definition)")
                }
                return outcome
            }

            // And a retry of ana's mutation after the upgrade gets the stored answer, appending nothing.
            var logger = Logger(label: "sync-migration-test")
            logger.logLevel = .warning
            let server = TestServer(database: database, logger: logger)
            try await server.start()
            try await withCleanUp {
                let login = try await HTTPCall.send(
                    .POST, server.baseURL + "/v1/auth/login",
                    body: LoginRequest(
                        tenantCode: "acme", username: "ana", password: "correct horse battery", deviceID: device.uuidString))
                let token = try login.decode(TokenResponse.self).accessToken
                let retry = try await HTTPCall.send(
                    .POST, server.baseURL + "/v1/sync/push",
                    body: SyncPushRequest(mutations: [
                        Mutation(id: "old-1", seq: 1, name: "todo.create", args: args),
                        Mutation(id: "new-3", seq: 3, name: "todo.edit", args: .object(["todo_id": .string(todo), "title": .string("after")])),
                    ]), token: token)
                let answer = try retry.decode(SyncPushResponse.self)
                #expect(answer.results.first == MutationResult(id: "old-1", seq: 1, status: .applied, positions: stored.positions))
                #expect(answer.results.last?.status == .applied)
                #expect(answer.lastSeq == 3)
                let events = try await withStore(url: database.url) { store in
                    try await store.readAll(stream: try StreamName("todo-\(todo)")).map(\.type)
                }
                #expect(events == ["TodoCreated", "TodoTitleChanged"])
            } cleanUp: {
                try? await server.stop()
            }
        } cleanUp: {
            try? await database.drop()
        }
    }
}
