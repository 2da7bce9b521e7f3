import Domain
import Foundation
import Outbox
import PushProviders
import PushStandIns
import SyncServer
import Testing
import TidemarkTestSupport

/// The delivery rules real providers apply, end to end: dispatchers over the real database and a
/// real APNs provider speaking HTTP/2 over TLS to the local APNs stand-in.
@Suite("Push delivery rules of the providers", .timeLimit(.minutes(3)))
struct PushDeliveryRulesTests {
    @Test("a dispatcher that crashes mid-round has recorded what the provider accepted: only the sends in flight go out again")
    func crashResendsOnlyInFlight() async throws {
        try await PushWorld.with { world in
            // Given 20 deliveries, 3 of which APNs answers only after a long while
            let ana = try await world.user("ana")
            var devices: [(id: DeviceID, token: String)] = []
            for _ in 0..<20 { devices.append(try await world.device(for: ana)) }
            let slow = Set(devices.prefix(3).map(\.token))
            for token in slow { world.standIn.script(token: token, .delay(.seconds(120)), times: 1) }
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(20)

            // When a dispatcher sends the round, and crashes while the 3 are still in flight
            let crashing = world.dispatcher("crashing") { $0.lease = .seconds(3) }
            let round = Task { try await crashing.round() }
            try await eventually("the stand-in accepted the 17 quick sends", timeout: .seconds(60)) {
                world.standIn.deliveries.count == 17
            }
            try await eventually("the 17 accepted sends are recorded while the round still runs", timeout: .seconds(10)) {
                try await world.deliveries().filter { $0.status == "sent" }.count == 17
            }
            round.cancel()
            _ = await round.result

            // And a dispatcher starts again once the crashed one's lease ran out
            let restarted = world.dispatcher("restarted")
            try await eventually("every delivery is sent", timeout: .seconds(60)) {
                _ = try await restarted.round()
                return try await world.deliveries().allSatisfy { $0.status == "sent" }
            }

            // Then only the 3 that were in flight were sent again
            let rows = try await world.deliveries()
            for row in rows {
                if slow.contains(row.token) {
                    #expect(row.attempts == 2, "\(row)")
                    #expect(world.standIn.shown(for: row.token).count == 1)
                } else {
                    #expect(row.attempts == 1, "\(row)")
                    #expect(world.standIn.deliveryCount(for: row.token) == 1, "\(row)")
                }
            }
        }
    }

    @Test("a delivery APNs refused unprocessed with a GOAWAY is sent on a new connection in the same attempt")
    func goAwaySpendsNoAttempt() async throws {
        try await PushWorld.with { world in
            // Given APNs going away before it processes the delivery's request
            let ana = try await world.user("ana")
            let device = try await world.device(for: ana)
            world.standIn.script(token: device.token, .goAway, times: 1)
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(1)

            // When a dispatcher sends it
            try await world.drain([world.dispatcher("one")])

            // Then it was sent on its first attempt, over a second connection, and shows once
            let row = try #require(try await world.deliveries().first)
            #expect(row.status == "sent" && row.attempts == 1, "\(row)")
            #expect(world.standIn.connectionCount == 2)
            #expect(world.standIn.shown(for: device.token).count == 1)
        }
    }

    @Test("a restarted dispatcher reuses the provider token kept with the channel: APNs sees no token update")
    func restartReusesProviderToken() async throws {
        let clock = Locked(Date())
        try await PushWorld.with(now: { clock.value }) { world in
            // Given a dispatcher that delivered with a provider token
            let ana = try await world.user("ana")
            try await world.device(for: ana)
            try await world.notify([ana], title: "Before")
            _ = try await world.waitForDeliveries(1)
            try await world.drain([world.dispatcher("before")])
            #expect(world.standIn.providerTokenIssuedAts.count == 1)

            // When the process restarts five minutes later with a new provider for the same key
            clock.withLock { $0 = $0.addingTimeInterval(5 * 60) }
            let restarted = try world.makeProvider()
            try await withCleanUp {
                try await world.notify([ana], title: "After")
                _ = try await world.waitForDeliveries(2)
                try await world.drain([world.dispatcher("after", providers: [restarted])])

                // Then it sent with the stored token, and APNs accepted it at once
                let rows = try await world.deliveries()
                #expect(rows.allSatisfy { $0.status == "sent" && $0.attempts == 1 }, "\(rows)")
                #expect(world.standIn.providerTokenIssuedAts.count == 1)
            } cleanUp: {
                try? await restarted.shutdown()
            }
        }
    }

    @Test("TooManyProviderTokenUpdates pauses the APNs channel without spending attempts; no new token is signed before Apple allows it")
    func tooManyProviderTokenUpdatesPauses() async throws {
        let clock = Locked(Date())
        try await PushWorld.with(now: { clock.value }) { world in
            // Given another sender with the same key that updated the token a moment ago
            let other = try world.makeProvider()
            try await withCleanUp {
                let ana = try await world.user("ana")
                let device = try await world.device(for: ana)
                #expect(
                    await other.send(
                        PushMessage(
                            id: UUID(), token: PushWorld.token(), title: "Elsewhere", body: "", expiresAt: clock.value.addingTimeInterval(3600))
                    ).label == "accepted")
                clock.withLock { $0 = $0.addingTimeInterval(5 * 60) }
                try await world.notify([ana])
                _ = try await world.waitForDeliveries(1)

                // When a dispatcher signs its own token and sends
                let dispatcher = world.dispatcher("one")
                try await dispatcher.round()

                // Then APNs refused the update, the delivery kept its attempt and the channel paused
                var row = try #require(try await world.deliveries().first)
                #expect(row.status == "queued" && row.attempts == 0, "\(row)")
                let paused = try #require(try await world.channelState())
                #expect(paused.isPaused && paused.pausedReason?.contains("TooManyProviderTokenUpdates") == true, "\(paused)")
                #expect(try await dispatcher.round() == 0)
                let refusedIssuedAts = world.standIn.providerTokenIssuedAts

                // When the probe comes ten minutes later, before the token is 20 minutes old
                clock.withLock { $0 = $0.addingTimeInterval(10 * 60) }
                try await world.makeProbeDue()
                #expect(try await dispatcher.round() == 1)

                // Then no new token was signed: APNs refuses the same one, and the delivery still has its attempt
                row = try #require(try await world.deliveries().first)
                #expect(row.status == "queued" && row.attempts == 0, "\(row)")
                #expect(try await world.channelState()?.isPaused == true)
                #expect(world.standIn.providerTokenIssuedAts == refusedIssuedAts)

                // When the next probe comes once 20 minutes have passed
                clock.withLock { $0 = $0.addingTimeInterval(10 * 60) }
                try await world.makeProbeDue()
                try await world.drain([dispatcher])

                // Then a new token is signed and accepted, the delivery is sent on its first attempt, the channel resumed
                row = try #require(try await world.deliveries().first)
                #expect(row.status == "sent" && row.attempts == 1, "\(row)")
                #expect(try await world.channelState()?.isPaused == false)
                #expect(world.standIn.deliveryCount(for: device.token) == 1)
            } cleanUp: {
                try? await other.shutdown()
            }
        }
    }

    @Test("a dispatcher whose token APNs refused as too soon switches to the token another instance stored, and the channel resumes")
    func tooSoonAdoptsStoredToken() async throws {
        let clock = Locked(Date())
        try await PushWorld.with(now: { clock.value }) { world in
            // Given another instance whose token APNs accepted, and a dispatcher that signed its own five minutes later
            let other = try world.makeProvider()
            try await withCleanUp {
                let ana = try await world.user("ana")
                let device = try await world.device(for: ana)
                #expect(
                    await other.send(
                        PushMessage(
                            id: UUID(), token: PushWorld.token(), title: "Elsewhere", body: "", expiresAt: clock.value.addingTimeInterval(3600))
                    ).label == "accepted")
                clock.withLock { $0 = $0.addingTimeInterval(5 * 60) }
                try await world.notify([ana])
                _ = try await world.waitForDeliveries(1)
                let dispatcher = world.dispatcher("one")
                try await dispatcher.round()
                #expect(try await world.channelState()?.isPaused == true)

                // When the other instance's token is in the store by the time of the probe
                let accepted = try await other.tokens.token()
                let issuedAt = try #require(await other.tokens.issuedAt)
                _ = try await world.outbox.replaceProviderToken(
                    try await world.outbox.providerToken(channel: "apns"),
                    with: StoredProviderToken(token: accepted, key: other.tokens.storeKey, issuedAt: issuedAt), channel: "apns")
                clock.withLock { $0 = $0.addingTimeInterval(60) }
                try await world.makeProbeDue()
                try await world.drain([dispatcher])

                // Then the probe went out with that token at once: sent on its first attempt, no new token signed
                let row = try #require(try await world.deliveries().first)
                #expect(row.status == "sent" && row.attempts == 1, "\(row)")
                #expect(try await world.channelState()?.isPaused == false)
                #expect(world.standIn.providerTokenIssuedAts.count == 1)
                #expect(world.standIn.deliveryCount(for: device.token) == 1)
            } cleanUp: {
                try? await other.shutdown()
            }
        }
    }

    @Test("two notifications of one kind to an FCM device both show; a resend replaces only itself")
    func fcmTagPerDelivery() async throws {
        let fcm = try await FCMStandIn.start()
        let fcmProvider = FCMProvider(configuration: try FCMConfiguration(serviceAccountJSON: try fcm.makeServiceAccountJSON(), endpointBase: fcm.baseURL))
        try await withCleanUp {
            try await PushWorld.with { world in
                // Given an Android device and two notifications of the same kind
                let ana = try await world.user("ana")
                try await world.device(for: ana, token: "fcm-registration-token-1", provider: .fcm)
                try await world.notify([ana], title: "First")
                try await world.notify([ana], title: "Second")
                _ = try await world.waitForDeliveries(2)

                // When a dispatcher sends the first and dies before recording it, and another sends both
                let crashed = try #require(try await world.outbox.claim(channels: ["fcm"], limit: 1, owner: "crashed", lease: .milliseconds(300)).first)
                #expect(await fcmProvider.send(crashed.message).label == "accepted")
                try await eventually("the crashed dispatcher's lease runs out") { try await world.leasesRunOut() }
                try await world.drain([world.dispatcher("fcm", providers: [fcmProvider])])
                #expect(try await world.deliveries().allSatisfy { $0.status == "sent" })

                // Then FCM received three messages, and the device shows each notification once
                #expect(fcm.messages.count == 3)
                let shown = fcm.shown(for: "fcm-registration-token-1")
                #expect(shown.count == 2 && Set(shown.compactMap(\.title)) == ["First", "Second"], "tags: \(fcm.messages.map(\.tag))")
            }
        } cleanUp: {
            try? await fcmProvider.shutdown()
            await fcm.stop()
        }
    }
}
