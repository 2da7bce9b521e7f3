import Foundation

/// What became of one send, as the dispatcher needs to know it. Providers never throw: every
/// provider reply and every transport error maps to exactly one outcome.
public enum PushOutcome: Sendable, Equatable {
    /// The provider accepted the message (it may still be stored and forwarded later).
    /// `providerID` is the provider's message id when it returns one (`apns-unique-id`, FCM `name`, Web Push `Location`).
    case accepted(providerID: String?)
    /// The provider says the token or subscription is no longer valid; the device must be disabled.
    /// `since` is when the provider says it became invalid (APNs `410` `timestamp`), `nil` when it gives none.
    case invalidToken(reason: String, since: Date?)
    /// A transient failure (throttling, provider outage, timeout, connection lost): try again,
    /// not sooner than `after` when the provider said so (`Retry-After`) or a rule demands it.
    case retry(reason: String, after: Duration?)
    /// The provider refused our credentials or configuration (a bad key, a revoked certificate,
    /// a topic we may not use): every message of the channel would fail the same way, so the
    /// channel pauses instead of burning attempts.
    case credentialsRejected(reason: String)
    /// This message can never be delivered as it is (payload too large, malformed, expired): give up on it.
    case failed(reason: String)
    /// The provider refuses the whole channel for a while (APNs `TooManyProviderTokenUpdates`): no
    /// message of the channel can go through before `after` has passed, whatever the message, so
    /// the channel pauses at least that long and the message keeps its attempt.
    case throttled(reason: String, after: Duration?)

    /// A short stable label for metrics and logs: `accepted`, `invalid_token`, `retry`, `credentials`,
    /// `failed`, `throttled`.
    public var label: String {
        switch self {
        case .accepted: "accepted"
        case .invalidToken: "invalid_token"
        case .retry: "retry"
        case .credentialsRejected: "credentials"
        case .failed: "failed"
        case .throttled: "throttled"
        }
    }
}
