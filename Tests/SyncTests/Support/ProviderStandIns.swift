import Crypto
import Foundation
import PushProviders
import PushStandIns

/// Running stand-ins for some of the four providers, and the `TIDEMARK_…` environment that points
/// `synccli serve` at them (the variables `PushProviderEnvironment` reads; files in a temporary
/// directory).
final class ProviderStandIns: Sendable {
    /// The channels a test can ask for.
    enum Channel: String, Sendable, CaseIterable {
        case apns, fcm, webpush, webhook
    }

    let environment: [String: String]
    private let apns: APNsStandIn?
    private let fcm: FCMStandIn?
    private let webPush: WebPushStandIn?
    private let webhook: WebhookStandIn?
    private let directory: URL

    private init(
        environment: [String: String], apns: APNsStandIn?, fcm: FCMStandIn?, webPush: WebPushStandIn?, webhook: WebhookStandIn?, directory: URL
    ) {
        self.environment = environment
        self.apns = apns
        self.fcm = fcm
        self.webPush = webPush
        self.webhook = webhook
        self.directory = directory
    }

    /// Starts a stand-in for each of `channels` and writes the key files the environment names.
    static func start(_ channels: Set<Channel>) async throws -> ProviderStandIns {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("standins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var environment: [String: String] = [:]
        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        var apns: APNsStandIn?
        if channels.contains(.apns) {
            let key = P256.Signing.PrivateKey()
            let standIn = try APNsStandIn(teamID: "TEAM123456", keyID: "KEY1234567", publicKey: key.publicKey, topics: ["com.example.app"])
            try await standIn.start()
            apns = standIn
            environment["TIDEMARK_APNS_KEY_FILE"] = try write("apns.p8", key.pemRepresentation)
            environment["TIDEMARK_APNS_KEY_ID"] = "KEY1234567"
            environment["TIDEMARK_APNS_TEAM_ID"] = "TEAM123456"
            environment["TIDEMARK_APNS_TOPIC"] = "com.example.app"
            environment["TIDEMARK_APNS_URL"] = standIn.baseURL
            environment["TIDEMARK_APNS_CA_FILE"] = try write("apns-ca.pem", standIn.certificatePEM)
        }
        var fcm: FCMStandIn?
        if channels.contains(.fcm) {
            let standIn = try await FCMStandIn.start()
            fcm = standIn
            environment["TIDEMARK_FCM_SERVICE_ACCOUNT_FILE"] = try write("fcm.json", try standIn.makeServiceAccountJSON())
            environment["TIDEMARK_FCM_URL"] = standIn.origin
        }
        var webPush: WebPushStandIn?
        if channels.contains(.webpush) {
            webPush = try await WebPushStandIn.start()
            environment["TIDEMARK_VAPID_PRIVATE_KEY"] = VAPIDKey.generate().rawBase64URL
            environment["TIDEMARK_VAPID_SUBJECT"] = "mailto:ops@example.com"
            environment["TIDEMARK_WEBPUSH_ALLOW_HTTP"] = "1"
        }
        var webhook: WebhookStandIn?
        if channels.contains(.webhook) {
            let secret = "webhook-secret-0123456789"
            let standIn = try await WebhookStandIn.start(secret: secret)
            webhook = standIn
            environment["TIDEMARK_WEBHOOK_URL"] = standIn.url.absoluteString
            environment["TIDEMARK_WEBHOOK_SECRET"] = secret
        }
        return ProviderStandIns(environment: environment, apns: apns, fcm: fcm, webPush: webPush, webhook: webhook, directory: directory)
    }

    /// A device token (or Web Push subscription) that `channel`'s stand-in accepts.
    func makeToken(for channel: Channel) -> String {
        switch channel {
        case .apns: (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
        case .fcm: "fcm-\(UUID().uuidString)"
        case .webpush: webPush?.makeSubscription() ?? ""
        case .webhook: "hook-\(UUID().uuidString)"
        }
    }

    /// The key of a delivery of `title` to `token` on `channel`, as ``receipts`` lists it.
    func receiptKey(channel: String, token: String, title: String) -> String {
        channel == Channel.webpush.rawValue ? "webpush|\(webPush?.subscriptionID(of: token) ?? token)|\(title)" : "\(channel)|\(token)|\(title)"
    }

    /// Every notification the stand-ins received (one key per request they accepted, repeats
    /// included): `channel|token|title`.
    var receipts: [String] {
        var keys: [String] = []
        for delivery in apns?.deliveries ?? [] {
            let alert = (delivery.payloadJSON?["aps"] as? [String: Any])?["alert"] as? [String: Any]
            keys.append("apns|\(delivery.token)|\(alert?["title"] as? String ?? "")")
        }
        for message in fcm?.messages ?? [] where (200..<300).contains(message.replyStatus) {
            keys.append("fcm|\(message.registrationToken)|\(message.title ?? "")")
        }
        for delivery in webPush?.deliveries ?? [] where (200..<300).contains(delivery.replyStatus) {
            keys.append("webpush|\(delivery.subscriptionID)|\(delivery.payloadJSON?["title"] as? String ?? "")")
        }
        for delivery in webhook?.deliveries ?? [] where (200..<300).contains(delivery.replyStatus) {
            keys.append("webhook|\(delivery.token)|\(delivery.title)")
        }
        return keys
    }

    /// Stops every stand-in and removes the files.
    func stop() async {
        await apns?.stop()
        await fcm?.stop()
        await webPush?.stop()
        await webhook?.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
