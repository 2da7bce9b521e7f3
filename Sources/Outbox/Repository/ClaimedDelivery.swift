import Foundation
import PushProviders

/// A delivery a dispatcher has claimed (leased) and is about to send.
public struct ClaimedDelivery: Sendable, Decodable, Equatable {
    /// The delivery's id; also the provider message id (`apns-id`), so a resend replaces rather than stacks.
    public var deliveryID: UUID
    /// The tenant.
    public var tenantID: String
    /// The receiving user.
    public var userID: String
    /// The device.
    public var deviceID: String
    /// `apns`, `fcm`, `webpush` or `webhook`.
    public var channel: String
    /// `sandbox` or `production`.
    public var environment: String
    /// The device token or subscription.
    public var token: String
    /// The app id (APNs topic).
    public var topic: String?
    /// Title.
    public var title: String
    /// Body.
    public var body: String
    /// Custom data.
    public var data: [String: String]
    /// Collapse key.
    public var collapseKey: String?
    /// `high` or `normal`.
    public var priority: String
    /// Expiry, seconds since 1970.
    public var expiresAt: Double
    /// When the source event was recorded, seconds since 1970.
    public var eventAt: Double
    /// This attempt's number (1 = the first).
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case deliveryID = "delivery_id", tenantID = "tenant_id", userID = "user_id", deviceID = "device_id", channel
        case environment, token, topic, title, body, data, collapseKey = "collapse_key", priority
        case expiresAt = "expires_at", eventAt = "event_at", attempts
    }

    /// The provider-neutral message.
    public var message: PushMessage {
        PushMessage(
            id: deliveryID, token: token, environment: PushEnvironment(rawValue: environment) ?? .production, topic: topic,
            title: title, body: body, data: data, collapseKey: collapseKey, priority: PushPriority(rawValue: priority) ?? .high,
            expiresAt: Date(timeIntervalSince1970: expiresAt), threadID: data["kind"])
    }
}
