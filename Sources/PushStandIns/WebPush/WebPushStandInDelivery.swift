import Foundation

/// One push message the Web Push stand-in accepted for decryption: who it was for, the decrypted
/// plaintext, the Web Push headers and the VAPID details.
public struct WebPushStandInDelivery: Sendable {
    /// The subscription id (the last path segment of the endpoint).
    public var subscriptionID: String
    /// The decrypted payload.
    public var plaintext: Data
    /// All request headers, names lower-cased.
    public var headers: [String: String]
    /// The `TTL` header.
    public var ttl: Int
    /// The `Urgency` header, if sent.
    public var urgency: String?
    /// The `Topic` header, if sent.
    public var topic: String?
    /// The VAPID `sub` claim.
    public var vapidSubject: String
    /// The VAPID `exp` claim.
    public var vapidExpiry: Date
    /// The VAPID public key (`k`), base64url.
    public var vapidPublicKey: String
    /// The whole `Authorization` header.
    public var authorization: String
    /// The status the stand-in replied with (201 unless scripted otherwise).
    public var replyStatus: Int

    /// Creates a record.
    public init(
        subscriptionID: String, plaintext: Data, headers: [String: String], ttl: Int, urgency: String?, topic: String?,
        vapidSubject: String, vapidExpiry: Date, vapidPublicKey: String, authorization: String, replyStatus: Int
    ) {
        self.subscriptionID = subscriptionID
        self.plaintext = plaintext
        self.headers = headers
        self.ttl = ttl
        self.urgency = urgency
        self.topic = topic
        self.vapidSubject = vapidSubject
        self.vapidExpiry = vapidExpiry
        self.vapidPublicKey = vapidPublicKey
        self.authorization = authorization
        self.replyStatus = replyStatus
    }

    /// The plaintext as UTF-8 text.
    public var payloadText: String {
        String(decoding: plaintext, as: UTF8.self)
    }

    /// The plaintext parsed as a JSON object, if it is one.
    public var payloadJSON: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: plaintext)) as? [String: Any]
    }
}
