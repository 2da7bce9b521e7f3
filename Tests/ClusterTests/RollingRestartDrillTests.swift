import Foundation
import Testing
import TidemarkTestSupport

/// SIGTERM of each server in turn (each drains, stops, and is started again) while 50 replicas
/// push, pull and listen through HAProxy.
@Suite("Drill: rolling restart", .enabled(if: Cluster.isConfigured), .timeLimit(.minutes(10)))
struct RollingRestartDrillTests {
    @Test("nothing acknowledged is lost or applied twice; after each stop projections resume and live replicas catch up within 10 s")
    func rollingRestart() async throws {
        let cluster = try Cluster.fromEnvironment()
        let world = try await DrillWorld.start(cluster: cluster)
        try await withCleanUp {
            let traffic = Task { await world.traffic(until: .now + .seconds(600)) }
            try await Task.sleep(for: .seconds(5))
            var table = DrillTable(title: "Drill: rolling restart (\(world.replicas.count) replicas through HAProxy)")
            for server in 1...cluster.servers.count {
                let failedAt = ContinuousClock.now
                async let stopped = cluster.script("stop-server", "\(server)")
                async let projections = world.projectionRecovery(since: failedAt)
                async let live = world.liveRecovery(since: failedAt)
                let (resumed, caughtUp) = await (projections, live)
                _ = try await stopped
                let stopTook = ContinuousClock.now - failedAt
                try await cluster.script("start-server", "\(server)")
                table.rows.append(
                    .init(
                        failure: "SIGTERM server \(server) (it stopped after \(DrillTable.seconds(stopTook)))",
                        projectionsResumed: resumed, liveRecovered: caughtUp))
            }
            traffic.cancel()
            await traffic.value
            let outcome = try await world.settleAndCheck()
            outcome.expectClean(table)
        } cleanUp: {
            await world.finish()
        }
    }
}
