import CoreMetrics

/// Sign-in and limit metrics, made from an explicit factory (no global bootstrap):
/// `tidemark_auth_password_checks_total{outcome}` (bcrypt verifications, `match`/`mismatch`) and
/// `tidemark_rate_limited_total{limit}` (requests refused `429` by each limit).
public struct AuthMetrics: Sendable {
    private let factory: any MetricsFactory

    /// Creates metrics recorded through `factory` (by default, nowhere), every series at 0.
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        // Every label value exists from the start, so a rate over it is 0 rather than missing.
        for outcome in ["match", "mismatch"] {
            _ = Counter(label: "tidemark_auth_password_checks_total", dimensions: [("outcome", outcome)], factory: factory)
        }
        let options = AuthOptions()
        let scopes =
            [options.signInAddressRule, options.signInNameRule, options.registrationAddressRule, options.registrationTenantRule, options.refreshAddressRule]
            .map(\.scope) + [DeviceRateLimiter.Kind.push.rawValue, DeviceRateLimiter.Kind.pull.rawValue]
        for scope in scopes {
            _ = Counter(label: "tidemark_rate_limited_total", dimensions: [("limit", scope)], factory: factory)
        }
    }

    /// Counts one bcrypt verification of a password.
    func passwordChecked(matched: Bool) {
        Counter(label: "tidemark_auth_password_checks_total", dimensions: [("outcome", matched ? "match" : "mismatch")], factory: factory)
            .increment()
    }

    /// Counts one request refused by the limit `scope`.
    func rateLimited(_ scope: String) {
        Counter(label: "tidemark_rate_limited_total", dimensions: [("limit", scope)], factory: factory).increment()
    }
}
