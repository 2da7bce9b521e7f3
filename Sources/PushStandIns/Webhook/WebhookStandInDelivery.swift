import Foundation

/// One webhook request whose signature verified.
public struct WebhookStandInDelivery: Sendable {
    /// The `Tidemark-Delivery` header.
    public var deliveryHeader: String?
    /// The `Tidemark-Signature` header.
    public var signature: String
    /// Body `id`.
    public var id: String
    /// Body `token`.
    public var token: String
    /// Body `title`.
    public var title: String
    /// Body `body`.
    public var body: String
    /// Body `data`.
    public var data: [String: String]
    /// Body `collapse_key` (`nil` when JSON `null`).
    public var collapseKey: String?
    /// Body `priority`.
    public var priority: String
    /// Body `expires_at`.
    public var expiresAt: String
    /// All request headers, names lower-cased.
    public var headers: [String: String]
    /// The raw body.
    public var rawBody: Data
    /// The status the stand-in replied with.
    public var replyStatus: Int

    /// Creates a record.
    public init(
        deliveryHeader: String?, signature: String, id: String, token: String, title: String, body: String, data: [String: String],
        collapseKey: String?, priority: String, expiresAt: String, headers: [String: String], rawBody: Data, replyStatus: Int
    ) {
        self.deliveryHeader = deliveryHeader
        self.signature = signature
        self.id = id
        self.token = token
        self.title = title
        self.body = body
        self.data = data
        self.collapseKey = collapseKey
        self.priority = priority
        self.expiresAt = expiresAt
        self.headers = headers
        self.rawBody = rawBody
        self.replyStatus = replyStatus
    }
}
