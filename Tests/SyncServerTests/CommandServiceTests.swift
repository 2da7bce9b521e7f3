import Commands
import Domain
import EventStore
import Foundation
import SyncServer
import Testing
import TidemarkTestSupport

/// Every migration: the database the command service tests start from.
extension DatabaseTemplate {
    static let allMigrations = DatabaseTemplate.migrated("migrated", TidemarkMigrations.all)
}

/// A command service over a fresh, fully migrated database.
func withCommandService<Result: Sendable>(_ body: @Sendable (CommandService) async throws -> Result) async throws -> Result {
    try await withFreshStore(template: .allMigrations) { store, _ in
        try await body(CommandService(store: store, passwordCost: 4))
    }
}

/// "ok" when `body` succeeds, else the command error's code.
func outcomeCode(_ body: () async throws -> Void) async -> String {
    do {
        try await body()
        return "ok"
    } catch let error as CommandError {
        return error.code.rawValue
    } catch {
        return "\(error)"
    }
}

@Suite("The command service")
struct CommandServiceTests {
    @Test("two tenants with one code: exactly one of many concurrent creations succeeds")
    func tenantCodeUnique() async throws {
        try await withCommandService { service in
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        let id = TenantID()
                        return await outcomeCode {
                            try await service.createTenant(id, name: "Acme \(index)", code: "acme", envelope: CommandEnvelope(principal: .system(tenantID: id)))
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "ok" }.count == 1)
            #expect(outcomes.filter { $0 == "already_exists" }.count == 11)
        }
    }

    @Test("two concurrent registrations of one username in one tenant: exactly one succeeds; another tenant may reuse it")
    func usernameUnique() async throws {
        try await withCommandService { service in
            let acme = TenantID(), globex = TenantID()
            try await service.createTenant(acme, name: "Acme", code: "acme", envelope: CommandEnvelope(principal: .system(tenantID: acme)))
            try await service.createTenant(globex, name: "Globex", code: "globex", envelope: CommandEnvelope(principal: .system(tenantID: globex)))
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await outcomeCode {
                            try await service.registerUser(
                                UserID(), tenantID: acme, username: "Ada", email: "ada@example.com", phone: nil,
                                password: "correct horse", envelope: CommandEnvelope(principal: .anonymous)
                            )
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "ok" }.count == 1)
            #expect(outcomes.filter { $0 == "already_exists" }.count == 7)
            let other = UserID()
            try await service.registerUser(
                other, tenantID: globex, username: "ada", email: "ada@globex.example", phone: nil,
                password: "correct horse", envelope: CommandEnvelope(principal: .anonymous)
            )
            let user = try #require(try await service.load(User.self, id: other).state)
            #expect(user.passwordHash.hasPrefix("$2b$04$"))
            #expect(user.passwordHash.contains("correct horse") == false)
        }
    }

    @Test("a retried command with the same idempotency key is applied once and gets the same answer")
    func idempotentCommand() async throws {
        try await withCommandService { service in
            let tenant = TenantID(), owner = UserID(), todo = TodoID()
            let member = Principal.user(owner, tenantID: tenant)
            let create = TodoCommand.create(todo, tenantID: tenant, ownerID: owner, TodoDraft(title: "Buy milk"))
            let envelope = CommandEnvelope(principal: member, idempotencyKey: "mutation-1")
            // Sequential retry
            let first = try await service.execute(Todo.self, id: todo, command: create, envelope: envelope)
            let again = try await service.execute(Todo.self, id: todo, command: create, envelope: envelope)
            #expect(first.replayed == false)
            #expect(again.replayed)
            #expect(again.positions == first.positions)
            // Concurrent retries of another command
            let rename = TodoCommand.changeTitle(todo, "Buy oat milk")
            let renameEnvelope = CommandEnvelope(principal: member, idempotencyKey: "mutation-2")
            let answers = try await withThrowingTaskGroup(of: CommandOutcome.self) { group in
                for _ in 0..<6 { group.addTask { try await service.execute(Todo.self, id: todo, command: rename, envelope: renameEnvelope) } }
                return try await group.reduce(into: [CommandOutcome]()) { $0.append($1) }
            }
            #expect(Set(answers.map(\.positions)).count == 1)
            #expect(try await service.load(Todo.self, id: todo).version == 2)
            // The same key for another stream is refused
            let misuse = await #expect(throws: CommandError.self) {
                try await service.execute(Todo.self, id: TodoID(), command: create, envelope: renameEnvelope)
            }
            #expect(misuse?.code == .conflict)
        }
    }

    @Test("concurrent edits to different fields of one todo both survive through retries")
    func concurrentFieldEdits() async throws {
        try await withCommandService { service in
            let tenant = TenantID(), owner = UserID(), todo = TodoID()
            let member = CommandEnvelope(principal: .user(owner, tenantID: tenant))
            try await service.execute(Todo.self, id: todo, command: .create(todo, tenantID: tenant, ownerID: owner, TodoDraft(title: "Plan")), envelope: member)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.execute(Todo.self, id: todo, command: .changeTitle(todo, "Plan the trip"), envelope: member) }
                group.addTask { try await service.execute(Todo.self, id: todo, command: .changePriority(todo, .high), envelope: member) }
                group.addTask { try await service.execute(Todo.self, id: todo, command: .changeTags(todo, ["travel"]), envelope: member) }
                try await group.waitForAll()
            }
            let state = try #require(try await service.load(Todo.self, id: todo).state)
            #expect(state.title == "Plan the trip")
            #expect(state.priority == .high)
            #expect(state.tags == ["travel"])
        }
    }

    @Test("domain refusals keep their code and nothing is written")
    func refusals() async throws {
        try await withCommandService { service in
            let tenant = TenantID(), owner = UserID(), stranger = UserID(), todo = TodoID()
            try await service.execute(
                Todo.self, id: todo, command: .create(todo, tenantID: tenant, ownerID: owner, TodoDraft(title: "Mine")),
                envelope: CommandEnvelope(principal: .user(owner, tenantID: tenant))
            )
            let forbidden = await #expect(throws: CommandError.self) {
                try await service.execute(
                    Todo.self, id: todo, command: .changeTitle(todo, "Theirs"),
                    envelope: CommandEnvelope(principal: .user(stranger, tenantID: tenant)))
            }
            #expect(forbidden?.code == .forbidden)
            let invalid = await #expect(throws: CommandError.self) {
                try await service.execute(
                    Todo.self, id: todo, command: .changeTitle(todo, ""),
                    envelope: CommandEnvelope(principal: .user(owner, tenantID: tenant)))
            }
            #expect(invalid?.code == .invalid)
            let missing = await #expect(throws: CommandError.self) {
                try await service.registerUser(
                    UserID(), tenantID: TenantID(), username: "bob", email: "b@example.com", phone: nil,
                    password: "long enough", envelope: CommandEnvelope(principal: .anonymous))
            }
            #expect(missing?.code == .notFound)
            let weak = await #expect(throws: CommandError.self) {
                try await service.registerUser(
                    UserID(), tenantID: tenant, username: "bob", email: "b@example.com", phone: nil,
                    password: "short", envelope: CommandEnvelope(principal: .anonymous))
            }
            #expect(weak?.code == .invalid)
            #expect(try await service.load(Todo.self, id: todo).version == 1)
        }
    }
}
