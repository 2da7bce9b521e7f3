import Foundation
import PushStandIns
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
            // The webhook answers late, so deliveries are leased (in flight) when the server dies;
            // its leases run out after the dispatcher's lease (60 s) and another instance sends
            // them once more.
            world.webhook.server.replyDelay = .milliseconds(1500)
            let traffic = Task { await world.traffic(until: .now + .seconds(600)) }
            try await Task.sleep(for: .seconds(5))
            let pids = try await world.serverPIDs()
            let projectionLeases = try await world.projectionLeaseHolders()
            let deliveryLeases = try await world.deliveryLeaseHolders()
            // The one holding the most projection leases, then the most delivery leases.
            func weight(_ pid: Int32) -> Int { projectionLeases[pid, default: 0] * 1000 + deliveryLeases[pid, default: 0] }
            guard let victim = pids.max(by: { weight($0.value) < weight($1.value) }) else {
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
            world.webhook.server.replyDelay = .zero
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
