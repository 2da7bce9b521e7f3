import Foundation

/// One push to one device, in provider-neutral terms; each ``PushProvider`` turns it into its wire format.
public struct PushMessage: Sendable, Equatable {
    /// The delivery's id. Sent as `apns-id` (APNs), in the webhook body and in logs, so that a resend
    /// after a timeout can be recognised as the same message.
    public var id: UUID
    /// The device address: an APNs device token (hex), an FCM registration token, a Web Push
    /// subscription as JSON (`{"endpoint":…,"keys":{"p256dh":…,"auth":…}}`), or a webhook gateway token.
    public var token: String
    /// The provider environment of the token (APNs sandbox or production).
    public var environment: PushEnvironment
    /// The app the token belongs to (APNs `apns-topic`, the bundle id); `nil` uses the provider's default.
    public var topic: String?
    /// The visible title.
    public var title: String
    /// The visible body.
    public var body: String
    /// Custom key/value data for the app (never the alert itself).
    public var data: [String: String]
    /// Messages with the same collapse key replace each other on the device
    /// (`apns-collapse-id`, FCM `collapse_key` and `android.notification.tag`, Web Push `Topic`).
    /// Without one, APNs and FCM use ``id`` as collapse id and tag, so a resend replaces its first copy.
    public var collapseKey: String?
    /// Delivery urgency.
    public var priority: PushPriority
    /// After this moment the message is worthless and must not be delivered
    /// (`apns-expiration`, FCM `ttl`, Web Push `TTL`).
    public var expiresAt: Date
    /// The app icon badge, if the message sets one.
    public var badge: Int?
    /// Groups notifications on the device (APNs `thread-id`); it never replaces one.
    public var threadID: String?

    /// Creates a message.
    public init(
        id: UUID, token: String, environment: PushEnvironment = .production, topic: String? = nil,
        title: String, body: String, data: [String: String] = [:], collapseKey: String? = nil,
        priority: PushPriority = .high, expiresAt: Date, badge: Int? = nil, threadID: String? = nil
    ) {
        self.id = id
        self.token = token
        self.environment = environment
        self.topic = topic
        self.title = title
        self.body = body
        self.data = data
        self.collapseKey = collapseKey
        self.priority = priority
        self.expiresAt = expiresAt
        self.badge = badge
        self.threadID = threadID
    }
}
