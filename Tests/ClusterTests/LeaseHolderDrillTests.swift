import Foundation
import Testing
import TidemarkTestSupport

/// `kill -9` of the server that holds the projection leases (and its share of the delivery leases
/// and of the live sockets) while 50 replicas push, pull and listen through HAProxy.
@Suite("Drill: kill -9 of the lease holder", .enabled(if: Cluster.isConfigured), .timeLimit(.minutes(10)))
struct LeaseHolderDrillTests {
    @Test("nothing acknowledged is lost or applied twice; projections resume on a survivor and live replicas catch up within 10 s")
    func killLeaseHolder() async throws {
        let cluster = try Cluster.fromEnvironment()
        let world = try await DrillWorld.start(cluster: cluster)
        try await withCleanUp {
            let traffic = Task { await world.traffic(until: .now + .seconds(600)) }
            try await Task.sleep(for: .seconds(5))
            let pids = try await world.serverPIDs()
            let projectionLeases = try await world.projectionLeaseHolders()
            let deliveryLeases = try await world.deliveryLeaseHolders()
            guard let victim = pids.max(by: { projectionLeases[$0.value, default: 0] < projectionLeases[$1.value, default: 0] }) else {
                throw TestFailure("no server is running")
            }
            let held = projectionLeases[victim.value, default: 0]
            #expect(held > 0, "no server holds a projection lease: \(projectionLeases)")

            DrillWorld.note("kill -9 server \(victim.key) (pid \(victim.value)): projection leases \(projectionLeases), delivery leases \(deliveryLeases)")
            let failedAt = ContinuousClock.now
            try await cluster.script("kill-server", "\(victim.key)")
            async let projections = world.projectionRecovery(since: failedAt)
            async let live = world.liveRecovery(since: failedAt)
            let (resumed, caughtUp) = await (projections, live)
            DrillWorld.note("projections resumed after \(DrillTable.seconds(resumed)), live replicas caught up after \(DrillTable.seconds(caughtUp))")
            try await Task.sleep(for: .seconds(5))
            traffic.cancel()
            await traffic.value
            try await cluster.script("start-server", "\(victim.key)")
            let outcome = try await world.settleAndCheck()

            var table = DrillTable(title: "Drill: kill -9 of the lease holder (\(world.replicas.count) replicas through HAProxy)")
            table.rows.append(
                .init(
                    failure:
                        "kill -9 server \(victim.key): \(held) of \(projectionLeases.values.reduce(0, +)) projection leases, \(deliveryLeases[victim.value, default: 0]) delivery leases",
                    projectionsResumed: resumed, liveRecovered: caughtUp))
            outcome.expectClean(table)
        } cleanUp: {
            await world.finish()
        }
    }
}
