import Domain
import Foundation
import Outbox
import PushProviders
import PushStandIns
import SyncServer
import Testing
import TidemarkTestSupport

/// One notification to a user with a device on every channel, through the real providers and
/// their stand-ins: APNs (HTTP/2), FCM HTTP v1 (OAuth), Web Push (encrypted, VAPID) and the webhook.
@Suite("Push delivery on every channel", .timeLimit(.minutes(3)))
struct PushChannelsTests {
    @Test("a notification reaches an APNs, an FCM, a Web Push and a webhook device, each once, with its title")
    func everyChannel() async throws {
        let fcm = try await FCMStandIn.start()
        let webPush = try await WebPushStandIn.start()
        let secret = "webhook-secret-0123456789"
        let hook = try await WebhookStandIn.start(secret: secret)
        let fcmProvider = FCMProvider(configuration: try FCMConfiguration(serviceAccountJSON: try fcm.makeServiceAccountJSON(), endpointBase: fcm.baseURL))
        let webPushProvider = WebPushProvider(
            configuration: try WebPushConfiguration(
                vapidKey: VAPIDKey.generate(), subject: "mailto:ops@example.com", allowsPlainHTTPEndpoints: true))
        let hookProvider = WebhookProvider(configuration: WebhookConfiguration(url: hook.url, secret: secret))
        func cleanUp() async {
            try? await fcmProvider.shutdown()
            try? await webPushProvider.shutdown()
            try? await hookProvider.shutdown()
            await fcm.stop()
            await webPush.stop()
            await hook.stop()
        }
        try await withCleanUp {
            try await deliver(
                fcm: fcm, webPush: webPush, hook: hook, providers: [fcmProvider, webPushProvider, hookProvider],
                applicationServerKey: webPushProvider.applicationServerKey)
        } cleanUp: {
            await cleanUp()
        }
    }

    private func deliver(
        fcm: FCMStandIn, webPush: WebPushStandIn, hook: WebhookStandIn, providers: [any PushProvider], applicationServerKey: String
    ) async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            let apns = try await world.device(for: ana)
            try await world.device(for: ana, token: "fcm-registration-token-1", provider: .fcm)
            let subscription = webPush.makeSubscription(applicationServerKey: applicationServerKey)
            try await world.device(for: ana, token: subscription, provider: .webpush)
            try await world.device(for: ana, token: "gateway-token-1", provider: .webhook)
            try await world.notify([ana], title: "Everywhere")
            _ = try await world.waitForDeliveries(4)
            let dispatcher = world.dispatcher("all", providers: [world.provider] + providers)
            try await world.drain([dispatcher])
            let rows = try await world.deliveries()
            #expect(rows.count == 4 && rows.allSatisfy { $0.status == "sent" }, "\(rows)")
            #expect(world.standIn.deliveryCount(for: apns.token) == 1)
            #expect(fcm.messages.map(\.registrationToken) == ["fcm-registration-token-1"])
            #expect(fcm.messages.first?.title == "Everywhere")
            #expect(webPush.deliveries.count == 1)
            let plaintext = try #require(webPush.deliveries.first?.plaintext)
            #expect(String(decoding: plaintext, as: UTF8.self).contains("Everywhere"))
            #expect(hook.deliveries.map(\.token) == ["gateway-token-1"])
            #expect(hook.deliveries.first?.title == "Everywhere")
            // Every provider carried the delivery's id, so a resend would be recognised.
            let ids = Set(rows.map { $0.id.uuidString.lowercased() })
            #expect(fcm.messages.first.map { ids.contains($0.data["delivery_id"] ?? "") } == true)
            #expect(hook.deliveries.first.map { ids.contains($0.id) } == true)
        }
    }
}
