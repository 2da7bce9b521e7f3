import Commands
import Domain
import EventStore
import Foundation
import Outbox
import PostgresNIO
import Projections
import PushProviders
import PushStandIns
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// Push delivery end to end: the outbox projection in a real server, dispatchers over the real
/// database, and a real APNs provider speaking HTTP/2 over TLS to the local APNs stand-in.
@Suite("Push delivery through the APNs stand-in", .timeLimit(.minutes(3)))
struct PushDeliveryTests {
    @Test("a notification reaches every enabled device of every receiver once, across a dispatcher crash mid-send")
    func crashMidSend() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            let bob = try await world.user("bob")
            let devices = [try await world.device(for: ana), try await world.device(for: ana), try await world.device(for: bob)]
            let gone = try await world.device(for: bob)
            try await world.h.commands.execute(
                Domain.Device.self, id: gone.id, command: .unregister(gone.id), envelope: CommandEnvelope(principal: .user(bob, tenantID: world.tenant)))
            try await world.notify([ana, bob])
            let queued = try await world.waitForDeliveries(3)
            #expect(Set(queued.map(\.device)) == Set(devices.map { $0.id.description }))
            // A dispatcher claims the batch, the provider accepts every send, and the process dies
            // before it records anything.
            let crashed = try await world.outbox.claim(channels: ["apns"], limit: 10, owner: "crashed", lease: .milliseconds(300))
            #expect(crashed.count == 3)
            for delivery in crashed {
                #expect(
                    await world.provider.send(delivery.message) == .accepted(providerID: delivery.deliveryID.uuidString.lowercased())
                        || world.standIn.deliveries.contains { $0.apnsID.lowercased() == delivery.deliveryID.uuidString.lowercased() })
            }
            try await eventually("the crashed dispatcher's leases run out") { try await world.leasesRunOut() }
            // Two dispatchers race for the rows whose lease ran out.
            try await world.drain([world.dispatcher("one"), world.dispatcher("two")])
            let rows = try await world.deliveries()
            #expect(rows.allSatisfy { $0.status == "sent" }, "\(rows)")
            let received = world.standIn.deliveries
            // At-least-once: the resend carries the same apns-id, so each device shows the notification once.
            for row in rows {
                let copies = received.filter { $0.apnsID.lowercased() == row.id.uuidString.lowercased() }
                #expect(copies.count == 2, "\(row.id)")
                #expect(copies.allSatisfy { $0.token == row.token })
            }
            #expect(Set(received.map { $0.apnsID.lowercased() }).count == 3)
            #expect(!received.contains { $0.token == gone.token })
        }
    }

    @Test("two dispatchers racing over 60 deliveries send each exactly once")
    func racingDispatchers() async throws {
        try await PushWorld.with { world in
            var users: [UserID] = []
            for index in 0..<4 {
                let user = try await world.user("user\(index)")
                users.append(user)
                for _ in 0..<15 { try await world.device(for: user) }
            }
            try await world.notify(users)
            _ = try await world.waitForDeliveries(60)
            let small: (inout PushDispatcherOptions) -> Void = {
                $0.batchSize = 7
                $0.concurrency = 3
            }
            try await world.drain([world.dispatcher("a", configure: small), world.dispatcher("b", configure: small)], rounds: 100)
            let rows = try await world.deliveries()
            #expect(rows.count == 60 && rows.allSatisfy { $0.status == "sent" && $0.attempts == 1 })
            let ids = world.standIn.deliveries.map { $0.apnsID.lowercased() }
            #expect(ids.count == 60 && Set(ids).count == 60)
        }
    }

    @Test("BadDeviceToken disables the device through DeviceTokenInvalidated, in the outcome's transaction; nothing more goes to it")
    func invalidToken() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            let bad = try await world.device(for: ana)
            let good = try await world.device(for: ana)
            world.standIn.script(token: bad.token, .reject(.badDeviceToken))
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(2)
            try await world.drain([world.dispatcher("one")])
            let rows = try await world.deliveries()
            #expect(rows.first { $0.device == bad.id.description }?.status == "failed")
            #expect(rows.first { $0.device == bad.id.description }?.reason == "the provider rejected the token: BadDeviceToken")
            #expect(rows.first { $0.device == good.id.description }?.status == "sent")
            #expect(try await world.deviceEvents(bad.id) == ["DeviceRegistered", "DeviceTokenInvalidated"])
            try await eventually("the registry shows the device invalid") {
                let status = try await world.h.store.client.query(
                    "SELECT status FROM read.devices WHERE device_id = \(bad.id.description)::uuid", logger: world.h.logger)
                for try await value in status.decode(String.self) { return value == "invalid" }
                return false
            }
            try await world.notify([ana], title: "Second")
            let after = try await world.waitForDeliveries(3)
            #expect(after.last?.device == good.id.description)
            try await world.drain([world.dispatcher("one")])
            #expect(world.standIn.deliveryCount(for: bad.token) == 0)
            #expect(world.standIn.deliveryCount(for: good.token) == 2)
        }
    }

    @Test("410 Unregistered with a timestamp older than the device's re-registration does not disable it")
    func staleUnregistered() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            let device = try await world.device(for: ana)
            world.standIn.script(token: device.token, .reject(.unregistered, timestamp: Date().addingTimeInterval(-3600)), times: 1)
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(1)
            try await world.drain([world.dispatcher("one")])
            #expect(try await world.deliveries().first?.status == "failed")
            #expect(try await world.deviceEvents(device.id) == ["DeviceRegistered"])
            // A fresh 410 (the token died after the registration) does disable it.
            world.standIn.script(token: device.token, .reject(.unregistered, timestamp: Date()), times: 1)
            try await world.notify([ana], title: "Again")
            _ = try await world.waitForDeliveries(2)
            try await world.drain([world.dispatcher("one")])
            #expect(try await world.deviceEvents(device.id) == ["DeviceRegistered", "DeviceTokenInvalidated"])
        }
    }

    @Test("a rejected credential pauses the channel without spending attempts or losing deliveries; a probe resumes it")
    func brokenCredential() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            for _ in 0..<3 { try await world.device(for: ana) }
            world.standIn.rejectAll(with: .invalidProviderToken)
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(3)
            let dispatcher = world.dispatcher("one")
            try await dispatcher.round()
            var rows = try await world.deliveries()
            #expect(rows.allSatisfy { $0.status == "queued" && $0.attempts == 0 }, "\(rows)")
            let status = try await world.outbox.status()
            #expect(status.channels.first?.paused?.pausedReason == "InvalidProviderToken")
            // While paused nothing is claimed, however often the dispatcher looks.
            #expect(try await dispatcher.round() == 0)
            // The key is fixed; after the pause one delivery probes, then the rest follow.
            world.standIn.rejectAll(with: nil)
            var probed = 0
            try await eventually("the pause ends and one delivery probes") {
                probed = try await dispatcher.round()
                return probed != 0
            }
            #expect(probed == 1)
            try await world.drain([dispatcher])
            rows = try await world.deliveries()
            #expect(rows.allSatisfy { $0.status == "sent" })
            #expect(try await world.outbox.status().channels.first?.paused == nil)
        }
    }

    @Test("429 waits at least Retry-After; out of attempts a delivery is dead, and `retry --dead` queues it again")
    func retriesAndDead() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            let slow = try await world.device(for: ana)
            let broken = try await world.device(for: ana)
            world.standIn.script(token: slow.token, .reject(.tooManyRequests, retryAfter: 120), times: 1)
            world.standIn.script(token: broken.token, .reject(.internalServerError))
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(2)
            let dispatcher = world.dispatcher("one") {
                $0.maxAttempts = 3
                $0.backoffBase = .milliseconds(10)
            }
            try await dispatcher.round()
            var rows = try await world.deliveries()
            #expect(rows.first { $0.device == slow.id.description }.map { $0.status == "retrying" && $0.waitsLong } == true)
            // The broken one backs off 10 ms, then 20 ms, between its attempts.
            try await eventually("the broken delivery runs out of attempts") {
                try await world.drain([dispatcher])
                return try await world.deliveries().first { $0.device == broken.id.description }?.status == "dead"
            }
            rows = try await world.deliveries()
            let dead = rows.first { $0.device == broken.id.description }
            #expect(dead?.status == "dead" && dead?.attempts == 3 && dead?.reason == "gave up after 3 attempts", "\(String(describing: dead))")
            world.standIn.script(token: broken.token, .delay(.zero), times: 1)
            world.standIn.rejectAll(with: nil)
            let (requeued, expired) = try await world.outbox.retryDead(channel: "apns")
            #expect(requeued == 1 && expired == 0)
            #expect(try await world.deliveries().first { $0.device == broken.id.description }?.status == "queued")
        }
    }

    @Test("rebuilding the outbox from position zero enqueues and sends nothing twice")
    func rebuildSendsNothingTwice() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            try await world.device(for: ana)
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(1)
            try await world.drain([world.dispatcher("one")])
            let outbox = try #require(ServerConfiguration(databaseURL: world.h.server.database.url).projections.first { $0.name == "push_outbox" })
            let rebuilder = ProjectionRebuilder(projection: outbox, store: world.h.store, database: world.h.server.database.url, logger: world.h.logger)
            _ = try await rebuilder.rebuild()
            try await world.drain([world.dispatcher("two")])
            #expect(try await world.deliveries().count == 1)
            #expect(world.standIn.deliveries.count == 1)
        }
    }

    @Test("with a provider configured, the server's own dispatcher delivers a notification within seconds, and /metrics counts it")
    func serverDispatches() async throws {
        try await PushWorld.with(configure: { configuration, provider in
            configuration.pushProviders = [provider]
            configuration.pushOptions.idlePoll = .milliseconds(50)
        }) { world in
            let ana = try await world.user("ana")
            let device = try await world.device(for: ana)
            try await world.notify([ana], title: "Live")
            try await eventually("the stand-in receives the push", timeout: .seconds(60)) { world.standIn.deliveryCount(for: device.token) == 1 }
            let payload = try #require(world.standIn.deliveries.first?.payloadJSON)
            let aps = try #require(payload["aps"] as? [String: Any])
            let alert = try #require(aps["alert"] as? [String: Any])
            #expect(alert["title"] as? String == "Live")
            try await eventually("the delivery is recorded as sent") { try await world.deliveries().first?.status == "sent" }
            let metrics = try await world.h.call(.GET, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains(#"tidemark_push_sends_total{provider="apns",outcome="accepted"} 1"#), "\(metrics.text)")
        }
    }

    @Test("a reply that can never succeed (413 PayloadTooLarge) fails the delivery at once, without retries")
    func permanentFailure() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            let device = try await world.device(for: ana)
            world.standIn.script(token: device.token, .reject(.payloadTooLarge))
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(1)
            try await world.drain([world.dispatcher("one")])
            let row = try #require(try await world.deliveries().first)
            #expect(row.status == "failed" && row.attempts == 1, "\(row)")
            #expect(row.reason.contains("PayloadTooLarge"))
            #expect(try await world.deviceEvents(device.id) == ["DeviceRegistered"])
        }
    }

    @Test("quiet hours set over REST hold the push until they end; a muted kind is skipped with its reason")
    func quietHoursEndToEnd() async throws {
        let now = Date()
        let clock = Locked<Date>(now)
        try await PushWorld.with(configure: { configuration, _ in
            configuration.projections = ReadModels.all + [PushOutboxProjection(now: { clock.value })]
        }) { world in
            let session = try await world.h.signUp("ana", tenantCode: "acme")
            let ana = try #require(UserID(session.userID))
            let device = try await world.device(for: ana)
            func hhmm(_ date: Date) -> String {
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
                let parts = calendar.dateComponents([.hour, .minute], from: date)
                return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
            }
            // Quiet from an hour ago until two hours from now, in UTC.
            let answer = try await world.h.call(
                .PUT, "/v1/me/push-preferences",
                body: JSONValue.object([
                    "muted": .array([.string("promo")]), "quiet_start": .string(hhmm(now.addingTimeInterval(-3600))),
                    "quiet_end": .string(hhmm(now.addingTimeInterval(7200))), "time_zone": .string("UTC"),
                ]), token: session.token)
            #expect(answer.status == 200, "\(answer.text)")
            let refused = try await world.h.call(
                .PUT, "/v1/me/push-preferences", body: JSONValue.object(["quiet_start": .string("25:00")]), token: session.token)
            #expect(refused.status == 400 && refused.code == "invalid")
            try await world.notify([ana], type: "comment")
            try await world.notify([ana], type: "promo")
            let rows = try await world.waitForDeliveries(2)
            #expect(rows.first?.status == "queued" && rows.first?.waitsLong == true && rows.first?.reason.hasPrefix("held for quiet hours until") == true)
            #expect(rows.last?.status == "skipped" && rows.last?.reason == "muted by the user: promo")
            let dispatcher = world.dispatcher("one")
            #expect(try await dispatcher.round() == 0)
            // Once the quiet hours are over (the outbox's clock says so), a new push goes out at once;
            // the held one still waits for its time.
            clock.withLock { $0 = now.addingTimeInterval(3 * 3600) }
            try await world.notify([ana], type: "comment", title: "Later")
            _ = try await world.waitForDeliveries(3)
            try await world.drain([dispatcher])
            #expect(try await world.deliveries().map(\.status) == ["queued", "skipped", "sent"])
            #expect(world.standIn.deliveryCount(for: device.token) == 1)
        }
    }

    @Test("a dispatcher whose lease ran out and whose row another dispatcher claimed records nothing; the new owner's outcome stands")
    func lostLease() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            try await world.device(for: ana)
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(1)
            let slow = try #require(try await world.outbox.claim(channels: ["apns"], limit: 1, owner: "slow", lease: .milliseconds(200)).first)
            // While the lease holds, nobody else gets the row.
            #expect(try await world.outbox.claim(channels: ["apns"], limit: 1, owner: "fast", lease: .seconds(30)).isEmpty)
            try await eventually("the slow dispatcher's lease runs out") { try await world.leasesRunOut() }
            let fast = try #require(try await world.outbox.claim(channels: ["apns"], limit: 1, owner: "fast", lease: .seconds(30)).first)
            #expect(fast.deliveryID == slow.deliveryID && fast.attempts == 2)
            // The first dispatcher comes back late: neither its retry nor its success is recorded.
            try await world.outbox.markRetry([(slow.deliveryID, .seconds(60), "late timeout")], maxAttempts: 8, owner: "slow")
            #expect(try await world.outbox.markSent([(slow.deliveryID, nil)], owner: "slow") == 0)
            #expect(try await world.deliveries().first.map { $0.status == "queued" && !$0.waitsLong } == true)
            #expect(try await world.outbox.markSent([(fast.deliveryID, "provider-id")], owner: "fast") == 1)
            #expect(try await world.deliveries().first?.status == "sent")
        }
    }
}
