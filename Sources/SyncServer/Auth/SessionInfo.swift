import Foundation

/// One session of a user, as `GET /v1/auth/sessions` lists it.
public struct SessionInfo: Sendable, Hashable, Codable {
    /// The session.
    public var sessionID: String
    /// Its device.
    public var deviceID: String
    /// The device's name, if the app gave one.
    public var deviceName: String?
    /// When it was opened.
    public var createdAt: Date
    /// When its refresh token was last used.
    public var lastUsedAt: Date
    /// When it was revoked or ended.
    public var revokedAt: Date?
    /// Why.
    public var revokeReason: String?
    /// Whether it is the caller's own session.
    public var current: Bool

    enum CodingKeys: String, CodingKey {
        case current
        case sessionID = "session_id"
        case deviceID = "device_id"
        case deviceName = "device_name"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
        case revokeReason = "revoke_reason"
    }
}
