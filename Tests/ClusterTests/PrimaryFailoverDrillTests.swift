import Foundation
import Testing
import TidemarkTestSupport

/// `kill -9` of the PostgreSQL primary, then promotion of the synchronous standby, while 50
/// replicas push, pull and listen through HAProxy; the servers reach the new primary through
/// HAProxy's PostgreSQL frontend. It leaves the cluster without a standby: it runs last.
@Suite("Drill: primary failover", .enabled(if: Cluster.isConfigured), .timeLimit(.minutes(10)))
struct PrimaryFailoverDrillTests {
    @Test("nothing acknowledged is lost or applied twice; after the promotion projections resume and live replicas catch up within 10 s")
    func promoteStandby() async throws {
        let cluster = try Cluster.fromEnvironment()
        let world = try await DrillWorld.start(cluster: cluster)
        try await withCleanUp {
            let traffic = Task { await world.traffic(until: .now + .seconds(600)) }
            try await Task.sleep(for: .seconds(5))
            try await cluster.script("kill-primary")
            try await cluster.script("promote")
            // Recovery counts from the promotion: before it there is no primary to write to.
            let promotedAt = ContinuousClock.now
            async let projections = world.projectionRecovery(since: promotedAt)
            async let live = world.liveRecovery(since: promotedAt)
            let (resumed, caughtUp) = await (projections, live)
            try await Task.sleep(for: .seconds(5))
            traffic.cancel()
            await traffic.value
            let outcome = try await world.settleAndCheck()
            var table = DrillTable(title: "Drill: primary failover (\(world.replicas.count) replicas through HAProxy)")
            table.rows.append(.init(failure: "kill -9 primary, promote the standby", projectionsResumed: resumed, liveRecovered: caughtUp))
            outcome.expectClean(table)
        } cleanUp: {
            await world.finish()
        }
    }
}
