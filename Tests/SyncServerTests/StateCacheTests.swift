import Commands
import Domain
import EventStore
import Foundation
import Testing
import TidemarkTestSupport

/// The command service's aggregate state cache is only a hint: another instance's writes are seen,
/// and nothing is lost.
@Suite("The aggregate state cache")
struct StateCacheTests {
    @Test("an edit made through another command service is seen by the next command of this one")
    func anotherInstanceSeen() async throws {
        try await withCommandService { first in
            let second = CommandService(store: first.store, passwordCost: 4)
            let tenant = TenantID(), owner = UserID(), todo = TodoID()
            let member = CommandEnvelope(principal: .user(owner, tenantID: tenant))
            try await first.execute(Todo.self, id: todo, command: .create(todo, tenantID: tenant, ownerID: owner, TodoDraft(title: "Plan")), envelope: member)
            try await first.execute(Todo.self, id: todo, command: .changePriority(todo, .high), envelope: member)
            let stream = try StreamName("todo-\(todo)")
            #expect(first.stateCache.entry(for: stream) != nil)
            // Another instance edits the todo behind the first one's cache.
            try await second.execute(Todo.self, id: todo, command: .changeTitle(todo, "Plan the trip"), envelope: member)
            try await second.execute(Todo.self, id: todo, command: .changeTags(todo, ["travel"]), envelope: member)
            try await first.execute(Todo.self, id: todo, command: .changePriority(todo, .low), envelope: member)
            let state = try #require(try await first.load(Todo.self, id: todo).state)
            #expect(state.title == "Plan the trip")
            #expect(state.tags == ["travel"])
            #expect(state.priority == .low)
            #expect(try await first.load(Todo.self, id: todo).version == 5)
        }
    }

    @Test("a cached state that is behind without knowing it loses the append, is dropped, and the command is decided again")
    func conflictRefreshes() async throws {
        try await withCommandService { service in
            let tenant = TenantID(), owner = UserID(), todo = TodoID()
            let member = CommandEnvelope(principal: .user(owner, tenantID: tenant))
            try await service.execute(Todo.self, id: todo, command: .create(todo, tenantID: tenant, ownerID: owner, TodoDraft(title: "Plan")), envelope: member)
            try await service.execute(Todo.self, id: todo, command: .changeTitle(todo, "Plan the trip"), envelope: member)
            // A wrong entry, claiming a version the stream does not have: reading after it finds
            // nothing, so the command is decided on it and its append must conflict.
            let stream = try StreamName("todo-\(todo)")
            let current = try await CommandService(store: service.store, cachedStates: 0).load(Todo.self, id: todo).state
            service.stateCache.store(AggregateStateCache.Entry(state: current as any Sendable, version: 40), for: stream)
            let outcome = try await service.execute(Todo.self, id: todo, command: .changePriority(todo, .high), envelope: member)
            #expect(outcome.streamVersion == 3)
            let replayed = try #require(try await CommandService(store: service.store, cachedStates: 0).load(Todo.self, id: todo).state)
            #expect(replayed.title == "Plan the trip")
            #expect(replayed.priority == .high)
            #expect(service.stateCache.entry(for: stream).map(\.version) ?? 0 <= 3)
        }
    }

    @Test("two command services racing many edits of one todo: every edit applied once, the caches agree with a replay")
    func racingInstances() async throws {
        try await withCommandService { first in
            let second = CommandService(store: first.store, maxAttempts: 30, passwordCost: 4)
            let primary = CommandService(store: first.store, maxAttempts: 30, passwordCost: 4)
            let tenant = TenantID(), owner = UserID(), todo = TodoID()
            let member = CommandEnvelope(principal: .user(owner, tenantID: tenant))
            try await primary.execute(Todo.self, id: todo, command: .create(todo, tenantID: tenant, ownerID: owner, TodoDraft(title: "Plan")), envelope: member)
            let edits = 15
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, service) in [("first", primary), ("second", second)] {
                    for edit in 0..<edits {
                        group.addTask {
                            try await service.execute(
                                Todo.self, id: todo, command: .changeDescription(todo, "\(name) \(edit)"),
                                envelope: CommandEnvelope(principal: .user(owner, tenantID: tenant), idempotencyKey: "\(name)-\(edit)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let events = try await first.store.readAll(stream: try StreamName("todo-\(todo)"))
            #expect(events.count == 1 + 2 * edits)
            #expect(Set(events.compactMap(\.metadata.mutationID)).count == 2 * edits)
            let replayed = try await CommandService(store: first.store, cachedStates: 0).load(Todo.self, id: todo)
            for service in [primary, second] {
                let loaded = try await service.load(Todo.self, id: todo)
                #expect(loaded.version == replayed.version)
                #expect(loaded.state == replayed.state)
            }
        }
    }

    @Test("a user's state (personal fields) is never cached")
    func personalStatesNotCached() async throws {
        try await withCommandService { service in
            let tenant = TenantID()
            try await service.createTenant(tenant, name: "Acme", code: "acme", envelope: CommandEnvelope(principal: .system(tenantID: tenant)))
            let user = UserID()
            try await service.registerUser(
                user, tenantID: tenant, username: "ana", email: "ana@example.com", phone: nil, password: "correct horse",
                envelope: CommandEnvelope(principal: .system(tenantID: tenant)))
            _ = try await service.load(User.self, id: user)
            #expect(service.stateCache.entry(for: try StreamName("user-\(user)")) == nil)
            #expect(service.stateCache.entry(for: try StreamName("tenant-\(tenant)")) != nil)
        }
    }

    @Test("the cache keeps at most its capacity, dropping the least recently used")
    func leastRecentlyUsedGoes() throws {
        let cache = AggregateStateCache(capacity: 2)
        let a = try StreamName("todo-a"), b = try StreamName("todo-b"), c = try StreamName("todo-c")
        cache.store(AggregateStateCache.Entry(state: 1, version: 1), for: a)
        cache.store(AggregateStateCache.Entry(state: 2, version: 1), for: b)
        _ = cache.entry(for: a)
        cache.store(AggregateStateCache.Entry(state: 3, version: 1), for: c)
        #expect(cache.count == 2)
        #expect(cache.entry(for: b) == nil)
        #expect(cache.entry(for: a)?.state as? Int == 1)
        #expect(cache.entry(for: c)?.state as? Int == 3)
        // An older version never replaces a newer one.
        cache.store(AggregateStateCache.Entry(state: 4, version: 0), for: c)
        #expect(cache.entry(for: c)?.state as? Int == 3)
    }
}
