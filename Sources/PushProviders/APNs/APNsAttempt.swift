/// The result of one HTTP exchange with APNs, before the provider decides whether to re-sign.
enum APNsAttempt: Sendable {
    /// A final outcome for this exchange.
    case outcome(PushOutcome)
    /// APNs said the provider token expired: re-sign and try once more.
    case expiredProviderToken

    /// The outcome to report when no further attempt follows.
    var outcome: PushOutcome {
        switch self {
        case .outcome(let outcome): outcome
        case .expiredProviderToken: .retry(reason: APNsReason.expiredProviderToken.rawValue, after: nil)
        }
    }
}
