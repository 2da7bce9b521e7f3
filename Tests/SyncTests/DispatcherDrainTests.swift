import EventStore
import Foundation
import PostgresNIO
import PushStandIns
import ServiceLifecycle
import SyncServer
import Testing
import TidemarkTestSupport

/// A push dispatcher stopped by a graceful shutdown in the middle of a round.
@Suite("A dispatcher's round cut by a graceful shutdown", .timeLimit(.minutes(3)))
struct DispatcherDrainTests {
    @Test("the sends in flight finish and are recorded; the unstarted claims go back unleased, attempt uncounted, and another dispatcher sends them at once")
    func handsBackUnsentClaims() async throws {
        try await PushWorld.with { world in
            // Given six deliveries whose sends each take 2 s at the stand-in
            let ana = try await world.user("ana")
            for _ in 0..<6 {
                let device = try await world.device(for: ana)
                world.standIn.script(token: device.token, .delay(.seconds(2)), times: 1)
            }
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(6)

            // And a dispatcher sending two at a time, running as a service
            let dispatcher = world.dispatcher("leaving") {
                $0.concurrency = 2
                $0.lease = .seconds(60)
            }
            let group = ServiceGroup(configuration: .init(services: [dispatcher], logger: world.h.logger))
            let running = Task { try await group.run() }

            // When a graceful shutdown comes while its first sends are in flight
            try await eventually("two sends are in flight", interval: .milliseconds(10)) { world.standIn.requestCount >= 2 }
            await group.triggerGracefulShutdown()
            try await running.value

            // Then what it started was received and recorded as sent, and nothing else was sent
            let received = world.standIn.deliveries.map(\.token)
            #expect(received.count >= 2 && received.count < 6, "\(received.count) received")
            let rows = try await world.deliveries()
            let sent = rows.filter { $0.status == "sent" }
            #expect(Set(sent.map(\.token)) == Set(received) && sent.count == received.count, "\(rows)")
            // And the rest is queued again, unleased, its attempt not counted
            let back = rows.filter { $0.status != "sent" }
            #expect(back.count == 6 - received.count && back.allSatisfy { $0.status == "queued" && $0.attempts == 0 }, "\(rows)")
            let leased = try await world.h.store.client.query(
                "SELECT count(*)::int8 FROM push_deliveries WHERE lease_owner IS NOT NULL OR lease_until IS NOT NULL", logger: world.h.logger)
            for try await count in leased.decode(Int64.self) { #expect(count == 0) }

            // And another dispatcher claims and sends them at once, without waiting for a lease to run out
            let other = world.dispatcher("staying")
            #expect(try await other.round() == back.count)
            let after = world.standIn.deliveries.map(\.token)
            #expect(after.count == 6 && Set(after).count == 6, "each device got its notification once: \(after)")
        }
    }
}
