import EventStore
import Foundation
import PostgresNIO
import Projections
import ServiceLifecycle
import Testing
import TidemarkTestSupport

@Suite("The projection runner", .timeLimit(.minutes(3)))
struct RunnerTests {
    @Test("catches up in batches, then follows concurrent writers, applying every event exactly once")
    func catchUpAndFollow() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 600)
            let runner = ProjectionRunner(
                projection: CounterProjection(name: "counter"), store: store, database: database.url, options: RunnerHarness.options,
                logger: RunnerHarness.logger)
            let task = Task { try await runner.run() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await RunnerHarness.appendCounted(store, count: 300, batch: 3) }
                }
                try await group.waitForAll()
            }
            #expect(try await RunnerHarness.exactlyOnce(store))
            #expect(try await RunnerHarness.logCount(store) == 1_800)
            await RunnerHarness.stop(task)
            let status = try await ProjectionAdmin(projections: [runner.projection], client: store.client, logger: RunnerHarness.logger).status()
            #expect(status.first?.state == "running")
            #expect(status.first?.lagEvents == 0)
            #expect(status.first?.eventsApplied == 1_800)
        }
    }

    @Test("killed mid-batch (connection terminated) and between batches (stopped), it resumes with nothing lost or applied twice")
    func crashesMidAndBetweenBatches() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 500)
            let batches = Locked(0)
            let killed = Locked(0)
            // Mid-batch: after the rows are written and before the checkpoint commits, kill the
            // runner's own backend on every 3rd batch (four times).
            let hook: @Sendable ([RecordedEvent]) async -> Void = { _ in
                let n = batches.withLock {
                    $0 += 1
                    return $0
                }
                guard n % 3 == 0, killed.value < 4 else { return }
                killed.withLock { $0 += 1 }
                let pids = (try? await RunnerHarness.runnerBackends(store, name: "counter")) ?? []
                try? await RunnerHarness.terminate(store, pids: pids)
            }
            let projection = CounterProjection(name: "counter", hook: hook)
            let runner = ProjectionRunner(
                projection: projection, store: store, database: database.url, options: RunnerHarness.options, logger: RunnerHarness.logger)
            let first = Task { try await runner.run() }
            #expect(try await RunnerHarness.exactlyOnce(store))
            #expect(killed.value == 4)
            // Between batches: stop the runner, write more, start a new one.
            await RunnerHarness.stop(first)
            try await RunnerHarness.appendCounted(store, count: 250)
            let second = RunnerHarness.start(CounterProjection(name: "counter"), store, database)
            #expect(try await RunnerHarness.exactlyOnce(store))
            #expect(try await RunnerHarness.applied(store).rows == 750)
            await RunnerHarness.stop(second)
        }
    }

    @Test("a graceful shutdown mid-batch lets the batch commit, then the runner releases its lease and returns; the next runner goes on from there")
    func gracefulShutdownAtABatchBoundary() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 200)
            // Given a runner in a service group whose first batch (50 events) waits in the
            // projection, after writing its rows, until the test lets it go
            let (entered, enter) = AsyncStream.makeStream(of: Void.self)
            let (gate, open) = AsyncStream.makeStream(of: Void.self)
            let batches = Locked(0)
            let hook: @Sendable ([RecordedEvent]) async -> Void = { _ in
                guard
                    batches.withLock({
                        $0 += 1
                        return $0
                    }) == 1
                else { return }
                enter.yield()
                for await _ in gate { return }
            }
            let projection = CounterProjection(name: "counter", hook: hook)
            let runner = ProjectionRunner(
                projection: projection, store: store, database: database.url, options: RunnerHarness.options, logger: RunnerHarness.logger)
            let group = ServiceGroup(configuration: .init(services: [runner], logger: RunnerHarness.logger))
            let running = Task { try await group.run() }
            for await _ in entered { break }

            // When the group shuts down gracefully while the batch is open, and the batch then ends
            await group.triggerGracefulShutdown()
            open.yield()
            try await running.value

            // Then the batch was committed, nothing after it was applied, and the lease is free
            let applied = try await RunnerHarness.applied(store)
            #expect(applied.rows == 50)
            #expect(applied.maxCount == 1)
            let admin = ProjectionAdmin(projections: [projection], client: store.client, logger: RunnerHarness.logger)
            let status = try #require(try await admin.status().first)
            #expect(status.eventsApplied == 50)
            #expect(status.runner == nil)
            // And a new runner applies the rest, each event once
            let next = RunnerHarness.start(CounterProjection(name: "counter"), store, database)
            #expect(try await RunnerHarness.exactlyOnce(store))
            #expect(try await RunnerHarness.applied(store).rows == 200)
            await RunnerHarness.stop(next)
        }
    }

    @Test("a graceful shutdown while the runner waits for new events or for the lease stops it at once")
    func gracefulShutdownWhileWaiting() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 20)
            // Given a caught-up runner and a standby for the same projection, each in a service group
            let options = ProjectionRunnerOptions(leaseRetryInterval: .seconds(3600), operationTimeout: .seconds(3))
            let groups = (0..<2).map { _ in
                ServiceGroup(
                    configuration: .init(
                        services: [
                            ProjectionRunner(
                                projection: CounterProjection(name: "counter"), store: store, database: database.url, options: options,
                                logger: RunnerHarness.logger)
                        ],
                        logger: RunnerHarness.logger))
            }
            let tasks = groups.map { group in Task { try await group.run() } }
            #expect(try await RunnerHarness.exactlyOnce(store))
            #expect(try await holdsEventually { try await RunnerHarness.runnerBackends(store, name: "counter").count == 2 })

            // When both shut down gracefully (one waits for a commit, the other an hour for the lease)
            for group in groups { await group.triggerGracefulShutdown() }

            // Then both return without being cancelled, and their connections are closed
            for task in tasks { try await task.value }
            #expect(try await holdsEventually { try await RunnerHarness.runnerBackends(store, name: "counter").isEmpty })
        }
    }

    @Test("three runners of one projection: exactly one applies; when its connection is terminated another takes over within seconds")
    func leaseAcrossInstances() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 200)
            let tasks = (0..<3).map { _ in
                RunnerHarness.start(CounterProjection(name: "counter"), store, database)
            }
            #expect(try await RunnerHarness.exactlyOnce(store))
            // One lease holder among three connected runners.
            let admin = ProjectionAdmin(projections: [CounterProjection(name: "counter")], client: store.client, logger: RunnerHarness.logger)
            let holder = try #require(try await admin.status().first?.runner)
            #expect(try await RunnerHarness.runnerBackends(store, name: "counter").count == 3)
            let holderPID = try #require(Int32(holder.split(separator: " ").last?.dropLast() ?? ""))
            // Kill the holder's connection; another instance must take over and apply new events.
            try await RunnerHarness.terminate(store, pids: [holderPID])
            let clock = ContinuousClock()
            let killedAt = clock.now
            let tookOver = try await holdsEventually(timeout: .seconds(10)) {
                guard let runner = try await admin.status().first?.runner else { return false }
                return !runner.hasSuffix("(pid \(holderPID))")
            }
            #expect(tookOver)
            #expect(clock.now - killedAt < .seconds(10))
            try await RunnerHarness.appendCounted(store, count: 200, batch: 7)
            #expect(try await RunnerHarness.exactlyOnce(store))
            for task in tasks { await RunnerHarness.stop(task) }
        }
    }

    @Test("an event a projection cannot apply stops that projection only; retry and skip resume it")
    func failureIsolation() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 120)
            let poison = try await RunnerHarness.appendPoison(store)
            try await RunnerHarness.appendCounted(store, count: 80)
            let failing = CounterProjection(name: "counter")
            let healthy = CounterProjection(name: "other", poisoned: Locked(false))
            let admin = ProjectionAdmin(projections: [failing, healthy], client: store.client, logger: RunnerHarness.logger)
            let tasks = [failing, healthy].map { projection in
                RunnerHarness.start(projection, store, database)
            }
            // The failing one stops exactly at the poison event, having applied everything before it.
            #expect(try await holdsEventually { try await admin.status(of: "counter").first?.state == "failed" })
            let status = try #require(try await admin.status(of: "counter").first)
            #expect(status.failure?.eventType == "Poison")
            #expect(status.failure?.position.position == poison.positions.first)
            #expect(status.failure?.error.contains("poison event") == true)
            #expect(status.eventsApplied == 120)
            // The other keeps running and applies everything, poison included.
            #expect(
                try await holdsEventually {
                    try await admin.status(of: "other").first.map { $0.state == "running" && $0.lagEvents == 0 && $0.eventsApplied == 201 } ?? false
                })
            // retry while still poisoned fails again at the same event; skip moves past it.
            try await admin.retry("counter")
            #expect(try await holdsEventually { try await admin.status(of: "counter").first?.state == "failed" })
            let skipped = try await admin.skip("counter")
            #expect(skipped.position.position == poison.positions.first)
            #expect(
                try await holdsEventually {
                    try await admin.status(of: "counter").first.map { $0.state == "running" && $0.lagEvents == 0 } ?? false
                })
            #expect(try await admin.status(of: "counter").first?.eventsApplied == 200)
            // Refusals name the problem.
            await #expect(throws: ProjectionError.self) { try await admin.skip("counter") }
            await #expect(throws: ProjectionError.self) { try await admin.retry("nope") }
            for task in tasks { await RunnerHarness.stop(task) }
        }
    }

    @Test("an idle runner notices a reset and refills the tables without waiting for a new event")
    func resetWhileIdle() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 300)
            let projection = CounterProjection(name: "counter")
            let admin = ProjectionAdmin(projections: [projection], client: store.client, logger: RunnerHarness.logger)
            let task = RunnerHarness.start(projection, store, database)
            #expect(try await RunnerHarness.exactlyOnce(store))
            try await admin.reset("counter")
            #expect(try await admin.status().first?.eventsApplied ?? 0 < 300)
            #expect(
                try await holdsEventually(timeout: .seconds(10)) {
                    try await admin.status().first?.eventsApplied == 300
                })
            #expect(try await RunnerHarness.exactlyOnce(store))
            await RunnerHarness.stop(task)
        }
    }

    @Test("an idle runner stores how far it read past events it does not read; later events still apply exactly once")
    func idleRunnerStoresSkippedPosition() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 40)
            let projection = CounterProjection(name: "counter")
            var options = RunnerHarness.options
            options.skipSaveInterval = .milliseconds(100)
            let runner = ProjectionRunner(projection: projection, store: store, database: database.url, options: options, logger: RunnerHarness.logger)
            let task = Task { try await runner.run() }
            #expect(try await RunnerHarness.exactlyOnce(store))
            // 60 events the projection does not read, after its last own event.
            var last = AppendResult?.none
            for _ in 0..<6 {
                let stream = try StreamName("ignored-\(UUID().uuidString.lowercased())")
                last = try await store.append(to: stream, expected: .noStream, events: (0..<10).map { _ in EventData(type: "Ignored", json: #"{"n":1}"#) })
            }
            let lastPosition = try #require(last?.positions.last)
            try await store.waitUntilReadable(try #require(last?.transactionID))
            #expect(
                try await holdsEventually(timeout: .seconds(10)) {
                    let rows = try await store.client.query("SELECT position, events_applied FROM projection_checkpoints WHERE name = 'counter'")
                    for try await (position, applied) in rows.decode((Int64, Int64).self) { return position >= lastPosition && applied == 40 }
                    return false
                })
            // Its own events after the skipped ones are applied, once each.
            try await RunnerHarness.appendCounted(store, count: 25)
            #expect(try await RunnerHarness.exactlyOnce(store))
            await RunnerHarness.stop(task)
        }
    }

    @Test("retry applies the failed event once the projection can handle it")
    func retryAfterFix() async throws {
        try await withFreshStore(template: RunnerHarness.template) { store, database in
            try await RunnerHarness.appendCounted(store, count: 30)
            _ = try await RunnerHarness.appendPoison(store)
            let projection = CounterProjection(name: "counter")
            let admin = ProjectionAdmin(projections: [projection], client: store.client, logger: RunnerHarness.logger)
            let task = RunnerHarness.start(projection, store, database)
            #expect(try await holdsEventually { try await admin.status().first?.state == "failed" })
            projection.poisoned.withLock { $0 = false }
            try await admin.retry("counter")
            #expect(
                try await holdsEventually {
                    try await admin.status().first.map { $0.state == "running" && $0.eventsApplied == 31 } ?? false
                })
            #expect(try await RunnerHarness.applied(store).maxCount == 1)
            await RunnerHarness.stop(task)
        }
    }
}
