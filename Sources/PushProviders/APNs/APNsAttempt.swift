/// The result of one HTTP exchange with APNs, before the provider decides whether to send again.
enum APNsAttempt: Sendable {
    /// A final outcome for this exchange.
    case outcome(PushOutcome)
    /// APNs said the provider token expired: re-sign and try once more.
    case expiredProviderToken
    /// APNs refused the provider token as an update that came too soon after the previous one
    /// (`TooManyProviderTokenUpdates`), with its `Retry-After`, if any.
    case tooManyProviderTokenUpdates(retryAfter: Duration?)
    /// The request never reached APNs' processing: its stream was refused (a GOAWAY whose last
    /// stream id lies below it, or `REFUSED_STREAM`). It may be sent again at once.
    case refusedUnprocessed(String)
}
