import Foundation

/// One `messages:send` request the FCM stand-in accepted as well-formed.
public struct FCMStandInMessage: Sendable {
    /// The project id in the URL.
    public var projectID: String
    /// `message.token`.
    public var registrationToken: String
    /// `message.notification.title`.
    public var title: String?
    /// `message.notification.body`.
    public var body: String?
    /// `message.data`.
    public var data: [String: String]
    /// `message.android.priority`.
    public var androidPriority: String?
    /// `message.android.ttl` (e.g. `"3600s"`).
    public var androidTTL: String?
    /// `message.android.collapse_key`.
    public var collapseKey: String?
    /// `message.android.notification.tag`: on the device, a notification with the same tag
    /// replaces the one shown.
    public var tag: String?
    /// `message.apns.headers`.
    public var apnsHeaders: [String: String]
    /// The bearer token the request carried.
    public var accessToken: String
    /// The raw request body.
    public var rawBody: Data
    /// The status the stand-in replied with.
    public var replyStatus: Int

    /// Creates a record.
    public init(
        projectID: String, registrationToken: String, title: String?, body: String?, data: [String: String], androidPriority: String?,
        androidTTL: String?, collapseKey: String?, apnsHeaders: [String: String], accessToken: String, rawBody: Data, replyStatus: Int,
        tag: String? = nil
    ) {
        self.projectID = projectID
        self.registrationToken = registrationToken
        self.title = title
        self.body = body
        self.data = data
        self.androidPriority = androidPriority
        self.androidTTL = androidTTL
        self.collapseKey = collapseKey
        self.tag = tag
        self.apnsHeaders = apnsHeaders
        self.accessToken = accessToken
        self.rawBody = rawBody
        self.replyStatus = replyStatus
    }
}
