import Foundation

/// Whether a push channel is paused, and why.
public struct PushChannelState: Sendable, Equatable, Codable {
    /// `apns`, `fcm`, `webpush` or `webhook`.
    public var channel: String
    /// The credential error that paused it, while paused.
    public var pausedReason: String?
    /// When the pause began, while paused.
    public var pausedAt: Date?
    /// When one delivery will probe whether the credentials work again.
    public var resumeAt: Date?
    /// Whether the probe is due now.
    public var probeDue: Bool
    /// Consecutive pauses (the probe interval doubles with each).
    public var pauses: Int

    /// Whether the channel is paused.
    public var isPaused: Bool { pausedAt != nil }
}
