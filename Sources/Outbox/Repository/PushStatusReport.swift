import Foundation

/// What `synccli push status` shows: deliveries per channel and status, the oldest pending
/// delivery, and paused channels.
public struct PushStatusReport: Sendable, Codable, Equatable {
    /// One channel's counts.
    public struct Channel: Sendable, Codable, Equatable {
        /// `apns`, `fcm`, `webpush` or `webhook`.
        public var channel: String
        /// Waiting for their first attempt (including those held for quiet hours).
        public var queued: Int
        /// Waiting for a retry.
        public var retrying: Int
        /// Accepted by the provider.
        public var sent: Int
        /// Refused for good (invalid token, malformed message).
        public var failed: Int
        /// Given up after the maximum attempts or the message's expiry.
        public var dead: Int
        /// Not sent on purpose (muted, device gone, superseded by a newer push, expired while waiting).
        public var skipped: Int
        /// Seconds the oldest due, pending delivery has waited (0 when none).
        public var oldestPendingSeconds: Double
        /// The pause, when the channel is paused.
        public var paused: PushChannelState?
    }

    /// Every channel with deliveries or a pause.
    public var channels: [Channel]
}
