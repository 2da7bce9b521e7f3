/// What ``APNsProvider`` does after APNs refused its provider token with
/// `TooManyProviderTokenUpdates` (see ``APNsTokenFactory/refusedAsTooSoon(_:)``).
public enum APNsTokenRefusal: Sendable, Equatable {
    /// Send the request again at once with this token (another instance's, which APNs knows).
    case sendAgain(with: String)
    /// Send nothing on this channel for this long: then the refused token may be replaced.
    case wait(Duration)
}
